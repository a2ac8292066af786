import { allDepartments } from '../db/department-cache.js';
import type { Models } from '../db/models/index.js';
import { pickLocalized } from '../db/models/localized.js';

/** A department's name and its categories' names in one language. */
export interface DepartmentNaming {
  name: string;
  categories: Map<string, string>;
}

/** Every department's name and categories in `locale` (the key when a name is missing), by key. */
export async function departmentNames(models: Models, locale: string): Promise<Map<string, DepartmentNaming>> {
  const departments = await allDepartments(models);
  return new Map(
    departments.map((department) => [
      department.key,
      {
        name: pickLocalized(department.name, locale) || department.key,
        categories: new Map(department.categories.map((category) => [category.key, pickLocalized(category.name, locale) || category.key])),
      },
    ]),
  );
}
