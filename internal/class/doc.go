// Package class runs a `socklab class` session: socklab's server for a
// room of students, shown by the instructor's view while it runs, its
// trace, and its files: the exercise file the instructor gives (rules
// checked per student), read with a bound and every problem named with its
// line, and the summary written when the session ends (CSV for a
// spreadsheet, JSON for a program), in new files only: an existing one is
// never overwritten.
package class
