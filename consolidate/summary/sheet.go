package summary

import (
	"fmt"
	"strings"
)

// SheetName is the sheet of the consolidated workbook that holds the
// sentences, one row each under Headers.
const SheetName = "报告摘要"

// Headers are the columns of the sheet.
var headers = []string{"序号", "部分", "摘要", "数据来源（汇总表单元格）", "说明"}

// Headers returns the columns of the sheet.
func Headers() []string { return append([]string(nil), headers...) }

// Row is a sentence as a row of the sheet.
func Row(i int, s Sentence) []string {
	return []string{fmt.Sprint(i + 1), s.Heading, s.Text, strings.Join(s.Cites, " "), s.Missing}
}

// Parse reads the sentences back from the sheet's rows (the first row that
// starts with 序号 is the header); keys are not in the sheet and stay empty.
func Parse(rows [][]string) ([]Sentence, error) {
	start := -1
	for i, r := range rows {
		if len(r) >= 3 && r[0] == headers[0] && r[2] == headers[2] {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("“%s”工作表中没有表头（%s）", SheetName, strings.Join(headers, " | "))
	}
	var out []Sentence
	for _, r := range rows[start:] {
		r = append(r, make([]string, len(headers))...)
		if r[0] == "" && r[2] == "" && r[4] == "" {
			continue
		}
		s := Sentence{Heading: r[1], Text: r[2], Missing: r[4]}
		if r[3] != "" {
			s.Cites = strings.Fields(r[3])
		}
		out = append(out, s)
	}
	return out, nil
}
