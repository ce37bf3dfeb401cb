declare module 'archiver-zip-encrypted' {
  const format: unknown;
  export default format;
}
