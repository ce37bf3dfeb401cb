/** One value of a report's row: text, or a number written as JavaScript prints it. */
export type Cell = string | number;
