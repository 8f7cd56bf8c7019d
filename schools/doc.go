// Package schools reads a bureau's list of schools (a CSV file, as Excel or
// WPS saves it: UTF-8 with or without BOM, or GBK) and names each school's
// files safely on every operating system.
package schools
