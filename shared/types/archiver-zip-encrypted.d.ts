/** archiver-zip-encrypted ships no types: it is an archiver format plugin (a ZipStream constructor). */
declare module 'archiver-zip-encrypted' {
  const zipEncrypted: (options?: unknown) => unknown;
  export default zipEncrypted;
}
