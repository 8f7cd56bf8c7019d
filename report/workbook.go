package report

// The names that the template writer and the reader agree on: the sheets the
// tool adds around the report's own tables, and where a workbook carries the
// identity of the template it was made from.
const (
	// GuideSheet opens the template: how to fill it in.
	GuideSheet = "填报说明"
	// MetaSheet is very hidden: it carries the template's identity.
	MetaSheet = "_nianbao"
	// ListSheet is the hidden sheet that holds long drop-down lists.
	ListSheet = "_lists"
	// ExplainSheet is where a school explains a warning it keeps (说明): one
	// row per warning, by sheet, cell and rule. The 说明 column of an
	// annotated copy's ResultSheet is read the same way.
	ExplainSheet = "情况说明"
	// SelfCheckSheet is the template's 自查 sheet: every check of the spec
	// as a live formula (通过 / 未通过 / 未填). The reader ignores it.
	SelfCheckSheet = "自查"
	// ResultSheet is the sheet of findings that opens an annotated copy.
	ResultSheet = "审核结果"
	// RegionSheet, IndicatorsSheet and StatusSheet are sheets of the
	// consolidated workbook (by them an older one, without its output
	// property, is still known for ours).
	RegionSheet     = "汇总"
	IndicatorsSheet = "学校指标"
	StatusSheet     = "提交情况"
)

// Custom document properties that carry the template's identity.
const (
	PropSpecID      = "nianbao.spec_id"
	PropSpecVersion = "nianbao.spec_version"
	PropFingerprint = "nianbao.fingerprint"
)

// PropOutput is the custom document property that marks a workbook nianbao
// wrote as an output, never a school's report: its value says which. A
// folder run skips such files rather than read them back as schools.
const PropOutput = "nianbao.output"

// Values of PropOutput.
const (
	OutputConsolidated = "consolidated" // the bureau's workbook of consolidate
	OutputAnnotated    = "annotated"    // an annotated copy (NAME_审核.xlsx)
)
