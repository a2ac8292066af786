import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

const require = createRequire(import.meta.url);
type Xform = new () => { toXml(model: unknown): string };
type DrawingXform = new () => { prepare(model: unknown): void; toXml(model: unknown): string };
/**
 * exceljs's own drawing and content-type writers, so the picture is written the way its
 * in-memory workbook writes one (and reads back with it and with Excel). Required at the first
 * picture: exceljs is loaded only by the reports that need it.
 */
let xforms: { Drawing: DrawingXform; Relationships: Xform; ContentTypes: Xform } | null = null;
function exceljsXforms() {
  xforms ??= {
    Drawing: require('exceljs/lib/xlsx/xform/drawing/drawing-xform.js') as DrawingXform,
    Relationships: require('exceljs/lib/xlsx/xform/core/relationships-xform.js') as Xform,
    ContentTypes: require('exceljs/lib/xlsx/xform/core/content-types-xform.js') as Xform,
  };
  return xforms;
}

const DRAWING_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';

/** The private parts of exceljs's streaming writer this module reaches into. */
interface StreamingWorkbook {
  zip: { append(data: string, options: { name: string }): void };
  _worksheets: (StreamingSheet | undefined)[];
  sharedStrings: unknown;
  commentRefs: unknown;
  media: { name: string }[];
  addContentTypes(): Promise<void>;
  __drawings?: { name: string }[];
}

interface StreamingSheet {
  id: number;
  committed: boolean;
  _sheetRelsWriter: { addRelationship(rel: { Type: string; Target: string }): string };
  _writePageSetup(): void;
  stream: { write(text: string): void };
}

/**
 * Where the picture goes, in cells of the default size (64 x 20 pixels): the sheet's columns
 * from `col` on must keep the default width for the picture to keep its proportions.
 */
export interface PicturePlacement {
  /** Top-left cell, zero-based. */
  col: number;
  row: number;
  /** Size in default columns and rows. */
  cols: number;
  rows: number;
}

/**
 * Puts a PNG on a sheet of exceljs's streaming writer, which supports pictures only as
 * backgrounds: the drawing part, its relationships, the sheet's `<drawing>` element (where
 * the schema wants it, after the page setup) and the content type are added here. Call
 * before the sheet is committed.
 */
export function addStreamingPicture(workbook: ExcelJS.stream.xlsx.WorkbookWriter, worksheet: ExcelJS.Worksheet, png: Buffer, placement: PicturePlacement): void {
  const book = workbook as unknown as StreamingWorkbook;
  const sheet = worksheet as unknown as StreamingSheet;
  if (sheet.committed) throw new Error('the sheet is already committed');
  const imageId = workbook.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
  const imageName = book.media[imageId]!.name;
  const drawings = (book.__drawings ??= []);
  const name = `drawing${drawings.length + 1}`;
  drawings.push({ name });

  const drawing = {
    anchors: [
      {
        picture: { rId: 'rId1' },
        // A two-cell anchor moved with its cells: the schema has no editAs on one-cell anchors,
        // and strict readers reject the drawing that exceljs would write for those.
        range: {
          tl: { nativeCol: placement.col, nativeColOff: 0, nativeRow: placement.row, nativeRowOff: 0 },
          br: { nativeCol: placement.col + placement.cols, nativeColOff: 0, nativeRow: placement.row + placement.rows, nativeRowOff: 0 },
          editAs: 'oneCell',
        },
      },
    ],
  };
  const drawingXform = new (exceljsXforms().Drawing)();
  drawingXform.prepare(drawing);
  book.zip.append(drawingXform.toXml(drawing), { name: `xl/drawings/${name}.xml` });
  book.zip.append(new (exceljsXforms().Relationships)().toXml([{ Id: 'rId1', Type: IMAGE_REL, Target: `../media/${imageName}` }]), { name: `xl/drawings/_rels/${name}.xml.rels` });

  const rId = sheet._sheetRelsWriter.addRelationship({ Type: DRAWING_REL, Target: `../drawings/${name}.xml` });
  const writePageSetup = sheet._writePageSetup.bind(sheet);
  sheet._writePageSetup = () => {
    writePageSetup();
    sheet.stream.write(`<drawing r:id="${rId}"/>`);
  };

  if (drawings.length === 1) {
    book.addContentTypes = () => {
      const model = {
        worksheets: book._worksheets.filter(Boolean),
        sharedStrings: book.sharedStrings,
        commentRefs: book.commentRefs,
        media: book.media,
        drawings: book.__drawings,
      };
      book.zip.append(new (exceljsXforms().ContentTypes)().toXml(model), { name: '[Content_Types].xml' });
      return Promise.resolve();
    };
  }
}
