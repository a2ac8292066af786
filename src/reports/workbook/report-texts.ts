import type { Models } from '../../db/models/index.js';
import type { Translate } from '../../i18n/translate.js';
import { departmentNames } from '../../notify/department-names.js';
import type { Grouping } from '../report-grouping.js';

/** Every text of a report in the reader's language, department and category names included. */
export interface ReportTexts {
  locale: string;
  t: (key: string, params?: Record<string, string | number>) => string;
  department(key: string): string;
  category(department: string, key: string | null): string;
  /** A group's label as shown: names for departments and categories, "(unassigned)" for none. */
  groupLabel(grouping: Grouping, label: string): string;
  /** Every department and category name, to size columns before the rows stream by. */
  allNames(): string[];
}

export async function loadReportTexts(models: Models, translate: Translate, locale: string): Promise<ReportTexts> {
  const names = await departmentNames(models, locale);
  const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  const department = (key: string) => names.get(key)?.name ?? key;
  const category = (departmentKey: string, key: string | null) => (key ? (names.get(departmentKey)?.categories.get(key) ?? key) : '');
  return {
    locale,
    t,
    department,
    category,
    groupLabel(grouping, label) {
      if (!label) return t(`report.none.${grouping}`);
      if (grouping === 'department') return department(label);
      if (grouping === 'category') {
        const [departmentKey = '', key = ''] = label.split('/');
        return `${department(departmentKey)} / ${category(departmentKey, key)}`;
      }
      return label;
    },
    allNames: () => [...names.values()].flatMap((naming) => [naming.name, ...naming.categories.values()]),
  };
}
