/**
 * Lists inside one CSV cell (question options, responses) are written as a JSON array of strings:
 * a spreadsheet reader sees `["Paris","Lyon, France"]`, and a program gets the exact items back with
 * any JSON parser — commas, quotes, line breaks and any script survive the round trip.
 */
export function encodeList(items: readonly string[]): string {
  return JSON.stringify(items);
}

export function decodeList(cell: string): string[] {
  if (cell === '') return [];
  const parsed: unknown = JSON.parse(cell);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new TypeError('cell is not a JSON array of strings');
  }
  return parsed;
}
