import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { parse } from 'csv-parse';

/** The columns a people file may have: the person fields of the org config. */
export const PERSON_COLUMNS = ['name', 'email', 'phone', 'company', 'unit', 'title', 'manager', 'role', 'departments', 'telegram', 'slack'] as const;
export type PersonColumn = (typeof PERSON_COLUMNS)[number];

/**
 * Header names a directory export uses (AD's and OpenLDAP's attribute names, lowercased), read
 * as the person field they hold. When two columns give one field, the first with a value wins.
 */
const ATTRIBUTE_COLUMNS: Record<string, PersonColumn> = {
  displayname: 'name',
  cn: 'name',
  mail: 'email',
  telephonenumber: 'phone',
  mobile: 'phone',
  department: 'unit',
  ou: 'unit',
  o: 'company',
};

export interface CsvOptions {
  encoding: 'utf-8' | 'windows-1251';
  delimiter: ',' | ';';
  /** Told the bytes read so far as the file is read (a progress bar). */
  onBytes?: (bytes: number) => void;
}

/** A row of the file: its line number (the header is line 1) and its values by column. */
export interface CsvRow {
  line: number;
  values: Partial<Record<PersonColumn, string>>;
}

export class CsvFileError extends Error {}

/** Bytes of the chosen encoding to text, a chunk at a time (a character may span chunks). */
function decoder(encoding: CsvOptions['encoding']): Transform {
  const text = new TextDecoder(encoding, { fatal: false });
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, text.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

/**
 * Reads a people file row by row, without holding it whole: the header names the columns
 * (any order, case and spaces ignored; the directory's attribute names are taken too; unknown columns and a header without name and email
 * are refused), a byte-order mark is dropped, empty lines are skipped. A broken quote fails
 * the whole file with its line: nothing of a file read wrongly is applied.
 */
export async function* readPeopleCsv(path: string, options: CsvOptions): AsyncGenerator<CsvRow> {
  const parser = parse({ delimiter: options.delimiter, bom: true, skip_empty_lines: true, relax_column_count: false, trim: true, info: true });
  // pipeline, not pipe: a file that cannot be read fails the parser (and so this loop), it
  // does not leave an 'error' event nobody listens to.
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      options.onBytes?.(bytes);
      done(null, chunk);
    },
  });
  const source = pipeline(createReadStream(path), counter, decoder(options.encoding), parser, () => undefined);
  let columns: PersonColumn[] | null = null;
  try {
    // With `info`, each record comes with the line it ends on (quoted values may span lines).
    for await (const { record, info } of source as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!columns) {
        const named = record.map((name) => {
          const plain = name.trim().toLowerCase();
          return ATTRIBUTE_COLUMNS[plain] ?? plain;
        });
        const unknown = named.filter((name) => !(PERSON_COLUMNS as readonly string[]).includes(name));
        if (unknown.length) throw new CsvFileError(`line 1: unknown column(s) ${unknown.join(', ')}; the columns are ${PERSON_COLUMNS.join(', ')} (or the directory's names: ${Object.keys(ATTRIBUTE_COLUMNS).join(', ')})`);
        for (const required of ['name', 'email']) if (!named.includes(required)) throw new CsvFileError(`line 1: the header has no ${required} column`);
        columns = named as PersonColumn[];
        continue;
      }
      const values: CsvRow['values'] = {};
      columns.forEach((column, index) => {
        const value = record[index]?.trim();
        if (value && !values[column]) values[column] = value;
      });
      yield { line, values };
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    const where = (error as { lines?: number }).lines;
    throw new CsvFileError(`${where ? `line ${where}: ` : ''}${(error as Error).message}`);
  }
  if (!columns) throw new CsvFileError('the file is empty: expected a header row naming the columns');
}
