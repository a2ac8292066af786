// The single-file ES build of echarts, typed as the package it is built from (see render-png.ts).
declare module 'echarts/dist/echarts.esm.min.mjs' {
  export * from 'echarts';
}
