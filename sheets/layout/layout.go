// Package layout holds the fixed places of the template's sheets: where the
// title, the header and the first field are, and which column holds what on
// indicator and record sheets. The template writer puts things there; the
// reader finds them by their labels and falls back to these places only when
// a header is gone.
package layout

// Fixed places of every sheet: the title in row 1, the header in row 2, the
// first field in row 3.
const (
	TitleRow  = 1
	HeaderRow = 2
	FirstRow  = 3
)

// Indicator (and summary) columns: 指标 | 单位 | 上学年 | 本学年 | 本学年为上学年(%).
const (
	ColLabel = 1
	ColUnit  = 2
	ColPrev  = 3
	ColCur   = 4
	ColPct   = 5
)

// Record columns: 项目 | 内容 | 说明.
const (
	ColRecValue = 2
	ColRecHint  = 3
)
