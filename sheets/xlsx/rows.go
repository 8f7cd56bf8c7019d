package xlsx

// SheetIndex returns the index of the sheet with the name, or -1.
func (b *Book) SheetIndex(name string) int {
	for i, s := range b.Sheets {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// Rows returns a sheet's stored texts as rows of cells (numbers as stored),
// for reading back a table nianbao wrote, such as 报告摘要.
func (b *Book) Rows(sheet int) ([][]string, error) {
	cells, err := b.Cells(sheet)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for _, c := range cells {
		for len(rows) < c.Row {
			rows = append(rows, nil)
		}
		r := rows[c.Row-1]
		for len(r) < c.Col {
			r = append(r, "")
		}
		r[c.Col-1] = c.Value
		rows[c.Row-1] = r
	}
	return rows, nil
}
