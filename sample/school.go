// Package sample makes plausible, internally consistent schools for the
// built-in report SpecID (zhongzhi_annual_quality: the generator knows its
// tables, rows and checks), fills them into workbooks, and can add the mistakes
// real reports contain, with a manifest of where they are. The corpus it
// writes is what tests and benchmarks of the reader, the validator and the
// consolidation run on.
//
// A corpus is of one school year: BaseYear is drawn as it is, every later
// year stepped forward from the year before (NextYear), so that a year's
// corpus, made alone, is the next year of the previous year's corpus made
// with the same seed, school count and mistakes: its 上学年 copies what the
// previous year's files hold as 本学年, and the manifest lists every cell
// where it does not (a cross-year slip, or another mistake).
package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// SpecID is the spec the generator knows the tables of.
const SpecID = "zhongzhi_annual_quality"

// SchoolYear is the school year the samples report on by default. It is
// also BaseYear: later years are stepped forward from it.
const SchoolYear = "2025-2026"

// School is one generated school.
type School struct {
	Index int    // 0-based place in the corpus
	Name  string // 学校名称
	Code  string // 学校标识码
	Year  string // 学年, e.g. 2025-2026
	// Book holds the school's input values: every check of the spec holds.
	// In a year after BaseYear its 上学年 inputs of indicator sheets are the
	// 本学年 inputs of the year before.
	Book *report.Book
	// majors are what the school teaches, with both years' figures: the
	// next year starts from them.
	majors []*major
}

// Generate makes school i of the corpus of a seed in SchoolYear. The same
// seed and index always give the same school; every check of the built-in
// spec passes on it.
func Generate(p *formula.Program, seed uint64, i int) (*School, error) {
	if p.Spec.ID != SpecID {
		return nil, fmt.Errorf("样例学校只能按内置规格 %s 生成，不能按 %s", SpecID, p.Spec.ID)
	}
	if i < 0 || i >= 1_000_000 {
		return nil, fmt.Errorf("样例学校序号 %d 超出范围（0–999999）", i)
	}
	return generateStep(p, seed, i, 0, nil), nil
}

// GenerateYear makes school i of the corpus of a seed in a school year
// (YYYY-YYYY, BaseYear or later): BaseYear is Generate's school, every later
// year the next year of the one before (NextYear). Every check of the spec
// passes on it.
func GenerateYear(p *formula.Program, seed uint64, i int, year string) (*School, error) {
	steps, err := YearSteps(year)
	if err != nil {
		return nil, err
	}
	s, err := Generate(p, seed, i)
	for k := 1; err == nil && k <= steps; k++ {
		s, err = NextYear(p, seed, s)
	}
	return s, err
}

// NextYear is the school's next school year: the same school and majors (one
// may open), its 上学年 the 本学年 of s (indicator inputs and the majors'
// figures), its 本学年 drawn from them as Generate draws a year. The seed
// and s decide it; s must have been made by Generate or NextYear.
func NextYear(p *formula.Program, seed uint64, s *School) (*School, error) {
	steps, err := YearSteps(s.Year)
	if err == nil {
		_, err = YearSteps(yearText(baseFirst + steps + 1))
	}
	if err != nil {
		return nil, err
	}
	return generateStep(p, seed, s.Index, steps+1, s), nil
}

// generateStep draws school i of a year steps after BaseYear, from the
// school of the year before (nil for BaseYear).
func generateStep(p *formula.Program, seed uint64, i, steps int, prior *School) *School {
	stream := uint64(i) + 0x9e3779b97f4a7c15
	if steps > 0 {
		stream ^= uint64(steps) << 40 // indexes are below 2^20
	}
	first := baseFirst + steps
	g := &gen{r: rand.New(rand.NewPCG(seed, stream)), b: report.New(), s: p.Spec, prior: prior,
		year: yearText(first), first: first}
	s := &School{Index: i, Name: schoolName(i), Code: schoolCode(i), Year: g.year, Book: g.b}
	g.school(s)
	return s
}

var years = [2]string{spec.ColPrev, spec.ColCur}

// gen draws one school's values.
type gen struct {
	r *rand.Rand
	b *report.Book
	s *spec.Spec
	// prior is the school the year before, nil in BaseYear: its 本学年 is
	// this year's 上学年.
	prior *School
	year  string // 学年
	first int    // its first calendar year (2025 of 2025-2026)
}

// priorCur is the prior year's 本学年 value of an indicator row.
func (g *gen) priorCur(sheet, field string) decimal.Decimal {
	return g.prior.Book.Get(sheet, report.Key{Field: field, Col: spec.ColCur}).Num
}

// between draws a whole number in [lo, hi].
func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// frac draws a fraction in [lo, hi].
func (g *gen) frac(lo, hi float64) float64 { return lo + g.r.Float64()*(hi-lo) }

// part is round(n × a fraction in [lo, hi]).
func (g *gen) part(n int, lo, hi float64) int {
	return int(math.Round(float64(n) * g.frac(lo, hi)))
}

// money is x rounded to 2 decimals, exact.
func money(x float64) decimal.Decimal {
	return decimal.NewFromInt(int64(math.Round(x * 100))).Shift(-2)
}

// pct draws a percentage with 2 decimals in [lo, hi].
func (g *gen) pct(lo, hi float64) decimal.Decimal {
	return decimal.NewFromInt(int64(g.between(int(lo*100), int(hi*100)))).Shift(-2)
}

// split divides total into len(weights) whole parts proportional to the
// weights that add up to total exactly (largest remainders).
func split(total int, weights []int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if total == 0 || len(weights) == 0 {
		return out
	}
	if sum == 0 { // all weights drawn as 0: share evenly
		weights = slices.Repeat([]int{1}, len(weights))
		sum = len(weights)
	}
	type rem struct{ i, r int }
	var rems []rem
	given := 0
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
		rems = append(rems, rem{i, total * w % sum})
	}
	for given < total {
		best := -1
		for j := range rems {
			if rems[j].r >= 0 && (best < 0 || rems[j].r > rems[best].r) {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].r = -1
		given++
	}
	return out
}

func (g *gen) weights(n, lo, hi int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = g.between(lo, hi)
	}
	return w
}

func (g *gen) set(sheet, field, col string, v report.Value) {
	g.b.Set(sheet, report.Key{Field: field, Col: col}, v)
}

func (g *gen) setInt(sheet, field, col string, n int) {
	g.set(sheet, field, col, report.Int(int64(n)))
}

func (g *gen) setNum(sheet, field, col string, d decimal.Decimal) {
	g.set(sheet, field, col, report.Num(d))
}

// major is one major of the school.
type major struct {
	name, category string
	isNew          bool // opened this school year: no students last year
	students       [2]int
	admitted       [2]int
	teachers       [2]int
}

func (g *gen) school(s *School) {
	enrolled := [2]int{}
	var majors []*major
	if g.prior == nil {
		enrolled[1] = int(math.Round(math.Exp(g.frac(math.Log(300), math.Log(6000)))))
		enrolled[0] = g.part(enrolled[1], 0.85, 1.12)
		majors = g.majors(enrolled)
	} else {
		enrolled[0] = int(g.priorCur("students", "enrolled").IntPart())
		enrolled[1] = min(6000, max(300, g.part(enrolled[0], 0.9, 1.15)))
		majors = g.nextMajors(enrolled)
	}
	s.majors = majors

	g.basic(s)
	g.students(enrolled, majors)
	staff := g.teachers(enrolled, majors)
	g.assets(enrolled)
	g.activities(enrolled)
	g.quality()
	g.satisfaction()
	aid := g.aid(enrolled)
	g.destinations(enrolled, majors)
	g.contests()
	g.moralCourses()
	g.league(enrolled)
	g.party(staff)
	g.cooperation(enrolled)
	g.services()
	g.finance(enrolled, aid)
	if g.prior != nil {
		g.carryPrev()
	}
}

// carryPrev writes the prior year's 本学年 inputs of every indicator sheet
// as this year's 上学年, over what was drawn for it: within the 上学年
// column every check holds as it held in last year's 本学年, and the checks
// across the years (the 本学年 figures drawn from the prior ones) still hold.
func (g *gen) carryPrev() {
	for _, sh := range g.s.Sheets {
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for _, f := range sh.Rows {
			if !f.Input() {
				continue
			}
			k := report.Key{Field: f.Key, Col: spec.ColPrev}
			if v := g.prior.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur}); v.IsEmpty() {
				delete(g.b.Sheet(sh.Key).Values, k)
			} else {
				g.b.Set(sh.Key, k, v)
			}
		}
	}
}

// nextMajors carries the prior year's majors, their 本学年 figures as this
// year's 上学年, opens a new one now and then, and splits this year's
// students among them, each major near last year's share.
func (g *gen) nextMajors(enrolled [2]int) []*major {
	var ms []*major
	have := map[string]bool{}
	for _, pm := range g.prior.majors {
		ms = append(ms, &major{name: pm.name, category: pm.category,
			students: [2]int{pm.students[1], 0}, admitted: [2]int{pm.admitted[1], 0}, teachers: [2]int{pm.teachers[1], 0}})
		have[pm.name] = true
	}
	if len(ms) < 20 && g.r.IntN(4) == 0 {
		for _, n := range g.r.Perm(len(majorCatalogue)) {
			if !have[majorCatalogue[n].name] {
				ms = append(ms, &major{name: majorCatalogue[n].name, category: majorCatalogue[n].category, isNew: true})
				break
			}
		}
	}
	w := make([]int, len(ms))
	for j, m := range ms {
		if m.isNew {
			w[j] = max(1, enrolled[0]/len(ms)) * g.between(30, 60)
		} else {
			w[j] = max(1, m.students[0]) * g.between(90, 110)
		}
	}
	for j, n := range split(enrolled[1], w) {
		ms[j].students[1] = n
	}
	return ms
}

func (g *gen) basic(s *School) {
	place := places[s.Index%len(places)]
	// the school's identity goes where the spec's roles say
	role := func(role, v string) {
		if sh, f := g.s.Role(role); f != nil {
			g.set(sh.Key, f.Key, "", report.Str(v))
		}
	}
	role("school_name", s.Name)
	role("school_code", s.Code)
	role("school_year", g.year)
	set := func(k, v string) { g.set("basic", k, "", report.Str(v)) }
	set("authority", place.city+"教育局")
	set("region", place.province+"/"+place.city+"/"+place.county)
	set("filler", surnames[g.r.IntN(len(surnames))]+givenNames[g.r.IntN(len(givenNames))])
	set("phone", fmt.Sprintf("%s-%08d", place.area, 60000000+g.r.IntN(39999999)))
	set("email", fmt.Sprintf("zhijiao%06d@school.edu.cn", s.Index+1))
	role("fill_date", fmt.Sprintf("%04d-%02d-%02d", g.first+1, g.between(9, 11), g.between(1, 28))) // drawn last: a seed gives the same schools
}

// majors picks 3–20 majors (fewer in small schools) and splits the students
// among them.
func (g *gen) majors(enrolled [2]int) []*major {
	k := g.between(3, min(20, max(3, enrolled[1]/60)))
	names := g.r.Perm(len(majorCatalogue))[:k]
	ms := make([]*major, k)
	for j, n := range names {
		ms[j] = &major{name: majorCatalogue[n].name, category: majorCatalogue[n].category}
	}
	if k > 3 && g.r.IntN(3) == 0 {
		ms[k-1].isNew = true
	}
	for y := range years {
		w := g.weights(k, 3, 12)
		for j, m := range ms {
			if m.isNew && y == 0 {
				w[j] = 0
			}
		}
		for j, n := range split(enrolled[y], w) {
			ms[j].students[y] = n
		}
	}
	return ms
}

// splitByStudents divides total among the majors in proportion to their
// students in year y.
func splitByStudents(ms []*major, y, total int) []int {
	w := make([]int, len(ms))
	for j, m := range ms {
		w[j] = m.students[y]
	}
	return split(total, w)
}

func (g *gen) students(enrolled [2]int, ms []*major) {
	for y, col := range years {
		e := enrolled[y]
		g.setInt("students", "enrolled", col, e)
		five := g.part(e, 0, 0.3)
		g.setInt("students", "five_year", col, five)
		g.setInt("students", "secondary", col, e-five)
		male := g.part(e, 0.35, 0.65)
		g.setInt("students", "male", col, male)
		g.setInt("students", "female", col, e-male)
		g.setInt("students", "work_study", col, g.part(e, 0.1, 0.5))
		g.setInt("students", "graduates", col, g.part(e, 0.25, 0.33))
		g.setInt("students", "dropouts", col, g.part(e, 0, 0.03))
		g.setNum("students", "retention", col, g.pct(92, 99.8))

		newStudents := g.part(e, 0.3, 0.4)
		g.setInt("students", "enrolled_new", col, newStudents)
		if y == 0 && g.prior != nil {
			continue // last year's figures, carried
		}
		for j, n := range splitByStudents(ms, y, newStudents) {
			ms[j].admitted[y] = n
		}
	}
	for _, m := range ms {
		g.b.AddRow("majors", map[string]report.Value{
			"name": report.Str(m.name), "category": report.Str(m.category),
			"prev_students": report.Int(int64(m.students[0])), "cur_students": report.Int(int64(m.students[1])),
		})
		row := map[string]report.Value{
			"name": report.Str(m.name), "prev_open": report.Str("是"), "cur_open": report.Str("是"),
			"key_level": report.Str(keyLevels[g.r.IntN(len(keyLevels))]),
		}
		if m.isNew {
			row["prev_open"] = report.Str("否")
			row["start_year"] = report.Int(int64(g.first))
			row["key_level"] = report.Str("否")
		}
		g.b.AddRow("programs", row)
		g.b.AddRow("admissions", map[string]report.Value{
			"name":          report.Str(m.name),
			"prev_enrolled": report.Int(int64(m.admitted[0])), "cur_enrolled": report.Int(int64(m.admitted[1])),
		})
	}
}

// teachers fills 教师队伍 and 专业教师 and returns 教职工总数 per year.
func (g *gen) teachers(enrolled [2]int, ms []*major) [2]int {
	var staff [2]int
	for y, col := range years {
		full := max(12, int(math.Round(float64(enrolled[y])/g.frac(12, 24))))
		staff[y] = full + g.part(full, 0.1, 0.35) + 1
		specialty := g.part(full, 0.45, 0.7)
		bachelor := g.part(full, 0.85, 1)
		senior := g.part(full, 0.15, 0.35)
		set := func(k string, n int) { g.setInt("teachers", k, col, n) }
		set("staff", staff[y])
		set("fulltime", full)
		set("specialty", specialty)
		set("parttime", g.part(full, 0, 0.3))
		set("dual", g.part(specialty, 0.5, 1))
		set("bachelor", bachelor)
		set("master", g.part(bachelor, 0.03, 0.2))
		set("senior", senior)
		set("full_senior", g.part(senior, 0, 0.1))
		if y == 0 && g.prior != nil {
			continue // last year's figures, carried
		}
		for j, n := range splitByStudents(ms, y, specialty) {
			ms[j].teachers[y] = n
		}
	}
	for _, m := range ms {
		g.b.AddRow("major_teachers", map[string]report.Value{
			"name": report.Str(m.name), "prev": report.Int(int64(m.teachers[0])), "cur": report.Int(int64(m.teachers[1])),
		})
	}
	return staff
}

func (g *gen) assets(enrolled [2]int) {
	if g.prior != nil {
		g.nextAssets()
		return
	}
	grow := g.frac(1, 1.1)
	cur := enrolled[1]
	land := float64(cur) * g.frac(20, 50)
	building := float64(cur) * g.frac(10, 25)
	teaching := building * g.frac(0.5, 0.6)
	admin := building * g.frac(0.2, 0.35)
	equipment := float64(cur) * g.frac(0.3, 0.8)
	fixed := equipment * g.frac(3, 6)
	rooms := max(5, g.part(cur, 0.01, 0.03))
	mm := max(10, cur/45)
	books := g.part(cur, 20, 40)
	stations := g.part(cur, 0.4, 0.9)
	devices := g.part(cur, 0.3, 0.8)
	for y, col := range years {
		f := 1.0
		if y == 0 {
			f = 1 / grow
		}
		g.setNum("assets", "land_area", col, money(land))
		g.setNum("assets", "building_area", col, money(building*f))
		g.setNum("assets", "teaching_area", col, money(teaching*f))
		g.setNum("assets", "admin_area", col, money(admin*f))
		g.setNum("assets", "equipment_value", col, money(equipment*f))
		g.setNum("assets", "fixed_assets", col, money(fixed*f))
		g.setInt("assets", "training_rooms", col, int(math.Round(float64(rooms)*f)))
		g.setInt("assets", "multimedia_rooms", col, int(math.Round(float64(mm)*f)))
		g.setInt("assets", "books", col, int(math.Round(float64(books)*f)))
		g.setInt("assets", "workstations", col, int(math.Round(float64(stations)*f)))
		g.setInt("assets", "training_devices", col, int(math.Round(float64(devices)*f)))
	}
}

// nextAssets grows last year's 本学年 assets by up to 10 % (the land stays).
func (g *gen) nextAssets() {
	grow := decimal.NewFromInt(int64(g.between(10000, 11000))).Shift(-4)
	for _, k := range []string{"land_area", "building_area", "teaching_area", "admin_area", "equipment_value", "fixed_assets"} {
		v := g.priorCur("assets", k)
		if k != "land_area" {
			v = v.Mul(grow).Round(2)
		}
		g.setNum("assets", k, spec.ColCur, v)
	}
	for _, k := range []string{"training_rooms", "multimedia_rooms", "books", "workstations", "training_devices"} {
		g.setNum("assets", k, spec.ColCur, g.priorCur("assets", k).Mul(grow).Round(0))
	}
}

func (g *gen) activities(enrolled [2]int) {
	for y, col := range years {
		violations := g.between(0, enrolled[y]/50)
		g.setInt("activities", "themed_events", col, g.between(10, 60))
		g.setInt("activities", "campaigns", col, g.between(2, 10))
		g.setInt("activities", "participants", col, g.part(enrolled[y], 1, 4))
		g.setInt("activities", "violations", col, violations)
		g.setInt("activities", "police", col, g.between(0, violations/5))
	}
}

func (g *gen) quality() {
	for _, k := range []string{"culture_pass", "skill_pass", "fitness_pass", "graduation", "certificate"} {
		if g.prior != nil { // within 5 points of last year, between 80 and 100
			cur := g.priorCur("quality", k).Add(g.pct(-5, 5))
			cur = decimal.Max(decimal.NewFromInt(80), decimal.Min(decimal.NewFromInt(100), cur))
			g.setNum("quality", k, spec.ColCur, cur)
			continue
		}
		cur := g.pct(80, 100)
		prev := cur.Add(g.pct(-5, 5))
		if prev.GreaterThan(decimal.NewFromInt(100)) {
			prev = decimal.NewFromInt(100)
		}
		g.setNum("quality", k, spec.ColCur, cur)
		g.setNum("quality", k, spec.ColPrev, prev)
	}
}

func (g *gen) satisfaction() {
	for _, k := range []string{"safety", "living", "theory", "major_study", "practice", "culture", "graduates", "employers"} {
		for _, col := range years {
			g.setNum("satisfaction", k, col, g.pct(85, 99.5))
		}
	}
}

// aidAmounts are the 学生资助 amounts that 经费收支 repeats.
type aidAmounts struct{ grants, fees [2]decimal.Decimal }

func (g *gen) aid(enrolled [2]int) aidAmounts {
	var a aidAmounts
	for y, col := range years {
		terms := 2 * enrolled[y]
		grantees := g.part(terms, 0.15, 0.3)
		free := g.part(terms, 0.8, 0.98)
		a.grants[y] = decimal.NewFromInt(int64(grantees)).Shift(-1) // 1000 元 a term
		tuition := money(float64(free) * g.frac(0.1, 0.12))
		lodging := money(g.frac(0, 50))
		a.fees[y] = tuition.Add(lodging)
		g.setInt("aid", "grant_students", col, grantees)
		g.setNum("aid", "grant_amount", col, a.grants[y])
		g.setInt("aid", "free_tuition_students", col, free)
		g.setNum("aid", "free_tuition_amount", col, tuition)
		g.setNum("aid", "free_lodging_amount", col, lodging)
		g.setNum("aid", "other_amount", col, money(g.frac(0, 30)))
	}
	return a
}

// destinations fills 毕业生去向, 分专业就业 (本学年, by major, adding up to the
// totals) and 就业起薪.
func (g *gen) destinations(enrolled [2]int, ms []*major) {
	for y, col := range years {
		graduates := g.b.Get("students", report.Key{Field: "graduates", Col: col}).Num.IntPart()
		var further, direct, matched int
		var rows []map[string]report.Value
		if y == 1 {
			var withGrads []*major
			for _, m := range ms {
				if !m.isNew {
					withGrads = append(withGrads, m)
				}
			}
			w := make([]int, len(withGrads))
			for j, m := range withGrads {
				w[j] = m.students[0]
			}
			for j, n := range split(int(graduates), w) {
				f := g.part(n, 0.1, 0.5)
				d := g.part(n-f, 0.85, 1)
				mt := g.part(f+d, 0.6, 0.95)
				further, direct, matched = further+f, direct+d, matched+mt
				rows = append(rows, map[string]report.Value{
					"name": report.Str(withGrads[j].name), "graduates": report.Int(int64(n)),
					"direct": report.Int(int64(d)), "further": report.Int(int64(f)),
					"employed": report.Int(int64(d + f)), "matched": report.Int(int64(mt)),
				})
			}
		} else {
			n := int(graduates)
			further = g.part(n, 0.1, 0.5)
			direct = g.part(n-further, 0.85, 1)
			matched = g.part(further+direct, 0.6, 0.95)
		}
		set := func(k string, n int) { g.setInt("destinations", k, col, n) }
		set("graduates", int(graduates))
		set("further", further)
		parts := split(further, g.weights(3, 1, 6))
		set("further_matched", parts[0])
		set("further_32", parts[1])
		set("further_gaokao", parts[2])
		set("direct", direct)
		set("employed", further+direct)
		set("matched", matched)

		average := g.salary(col, direct)
		if y == 1 {
			for j, row := range rows {
				s := average.Mul(decimal.NewFromFloat(g.frac(0.85, 1.15))).Round(2)
				switch j {
				case 0:
					s = average.Sub(decimal.NewFromInt(int64(g.between(50, 300))))
				case 1:
					s = average.Add(decimal.NewFromInt(int64(g.between(50, 300))))
				}
				row["salary"] = report.Num(s)
				g.b.AddRow("major_employment", row)
			}
		}
	}
}

// salary splits the directly employed into the pay brackets and returns an
// average they allow: each bracket's people earn a figure well inside it.
func (g *gen) salary(col string, direct int) decimal.Decimal {
	b := split(direct, g.weights(4, 0, 10))
	if direct > 0 && b[1]+b[2] == 0 {
		b = split(direct, []int{1, 3, 4, 2})
	}
	reps := []int{g.between(1300, 1490), g.between(1550, 1950), g.between(2050, 2950), g.between(3050, 4500)}
	total := 0
	for i := range b {
		total += b[i] * reps[i]
	}
	average := decimal.NewFromInt(int64(g.between(2400, 3200)))
	if direct > 0 {
		average = decimal.NewFromInt(int64(total)).DivRound(decimal.NewFromInt(int64(direct)), 2)
	}
	g.setNum("salary", "average", col, average)
	for i, k := range []string{"b1500", "b2000", "b3000", "over3000"} {
		g.setInt("salary", k, col, b[i])
	}
	return average
}

func (g *gen) contests() {
	n := g.between(2, 12)
	for j := 0; j < n; j++ {
		g.b.AddRow("contests", map[string]report.Value{
			"project": report.Str(contestProjects[g.r.IntN(len(contestProjects))]),
			"level":   report.Str([]string{"国家级", "省级", "省级", "市级", "市级", "市级"}[g.r.IntN(6)]),
			"side":    report.Str([]string{"上学年", "本学年"}[g.r.IntN(2)]),
			"prize":   report.Str([]string{"一等奖", "二等奖", "三等奖", "优秀奖"}[g.r.IntN(4)]),
			"count":   report.Int(int64(g.between(1, 3))),
		})
	}
}

// moralCourses lists 德育 courses for both terms: at least 6 rows of 32
// hours or more, so the total passes the 160-hour minimum.
func (g *gen) moralCourses() {
	courses := []string{"中国特色社会主义", "心理健康与职业生涯", "哲学与人生", "职业道德与法治", "思想政治", "劳动教育"}
	for _, term := range []string{"上学期", "下学期"} {
		for _, j := range g.r.Perm(len(courses))[:g.between(3, 4)] {
			g.b.AddRow("moral_courses", map[string]report.Value{
				"term": report.Str(term), "course": report.Str(courses[j]),
				"grade":  report.Str([]string{"一年级", "二年级", "三年级"}[g.r.IntN(3)]),
				"weekly": report.Int(int64(g.between(2, 4))), "weeks": report.Int(int64(g.between(16, 18))),
			})
		}
	}
}

func (g *gen) league(enrolled [2]int) {
	for y, col := range years {
		branches := max(3, enrolled[y]/45)
		members := g.part(enrolled[y], 0.2, 0.5)
		g.setInt("league", "branches", col, branches)
		g.setInt("league", "cadres", col, branches*g.between(2, 4))
		g.setInt("league", "members", col, members)
		g.setInt("league", "new_members", col, g.part(members, 0.1, 0.3))
	}
}

func (g *gen) party(staff [2]int) {
	for y, col := range years {
		members := g.part(staff[y], 0.2, 0.5)
		g.setInt("party", "members", col, members)
		g.setInt("party", "teacher_members", col, g.part(members, 0.5, 0.8))
		g.setInt("party", "branches", col, g.between(2, 8))
		g.setInt("party", "new_members", col, g.between(0, 5))
		g.setInt("party", "confirmed", col, g.between(0, 5))
		g.setInt("party", "activists", col, g.between(5, 30))
		g.setInt("party", "party_days", col, g.between(12, 24))
	}
}

func (g *gen) cooperation(enrolled [2]int) {
	for y, col := range years {
		placements := g.between(10, 60)
		parts := split(placements, g.weights(4, 0, 8))
		g.setInt("cooperation", "partners", col, placements+g.between(0, 30))
		g.setInt("cooperation", "placements", col, placements)
		for i, k := range []string{"provincial", "other_province", "municipal", "county"} {
			g.setInt("cooperation", k, col, parts[i])
		}
		g.setInt("cooperation", "interns", col, g.part(enrolled[y], 0.1, 0.3))
		g.setInt("cooperation", "order_students", col, g.part(enrolled[y], 0, 0.2))
	}
	n := g.between(1, 6)
	for j := 0; j < n; j++ {
		trainees := g.between(30, 1500)
		g.b.AddRow("training", map[string]report.Value{
			"project":  report.Str(trainingProjects[g.r.IntN(len(trainingProjects))]),
			"client":   report.Str(clients[g.r.IntN(len(clients))]),
			"trainees": report.Int(int64(trainees)),
			"passed":   report.Int(int64(g.part(trainees, 0.7, 1))),
		})
	}
}

func (g *gen) services() {
	for _, col := range years {
		volunteers := g.between(100, 2000)
		g.setInt("services", "training", col, g.between(500, 8000))
		g.setInt("services", "appraisal", col, g.between(100, 2000))
		g.setInt("services", "volunteer_events", col, g.between(5, 60))
		g.setInt("services", "volunteers", col, volunteers)
		g.setNum("services", "volunteer_hours", col, decimal.NewFromInt(int64(volunteers*g.between(20, 60))).Shift(-1))
		g.setInt("services", "support_sent", col, g.between(0, 20))
		g.setInt("services", "clinics", col, g.between(0, 500))
		g.setInt("services", "epidemic_sent", col, g.between(0, 30))
	}
}

// finance fills 经费收支: income adds up, per-student funding is 0.8–2 万元.
func (g *gen) finance(enrolled [2]int, aid aidAmounts) {
	for y, col := range years {
		e := float64(enrolled[y])
		fiscal := money(e * g.frac(0.8, 2))
		nonfiscal := money(fiscal.InexactFloat64() * g.frac(0.05, 0.3))
		nf := nonfiscal.InexactFloat64()
		income := fiscal.Add(nonfiscal)
		set := func(k string, d decimal.Decimal) { g.setNum("finance", k, col, d) }
		set("income", income)
		set("fiscal", fiscal)
		set("special", money(fiscal.InexactFloat64()*g.frac(0.1, 0.3)))
		set("fee_subsidy", aid.fees[y])
		set("grants", aid.grants[y])
		set("nonfiscal", nonfiscal)
		set("business", money(nf*g.frac(0.5, 0.8)))
		set("operating", money(nf*g.frac(0, 0.1)))
		set("interest", money(nf*g.frac(0, 0.04)))
		set("expenditure", money(income.InexactFloat64()*g.frac(0.9, 1.05)))
		set("edu_fiscal", money(fiscal.InexactFloat64()*g.frac(0.7, 0.95)))
		set("projects", money(fiscal.InexactFloat64()*g.frac(0.05, 0.2)))
		g.setInt("finance", "boarders", col, g.part(enrolled[y], 0.3, 0.9))
	}
}

// schoolCode is a 10-digit 学校标识码, unique within a corpus.
func schoolCode(i int) string { return fmt.Sprintf("4141%06d", i+1) }

// schoolName is a plausible and, within a corpus, unique school name.
func schoolName(i int) string {
	n := len(places) * len(schoolKinds)
	// within a round of n names every (place, kind) pair comes once
	place, kind := places[i%len(places)], schoolKinds[(i/len(places)+i%len(places))%len(schoolKinds)]
	name := place.county
	if strings.HasSuffix(place.county, "区") {
		name = place.city + place.county
	}
	if round := i / n; round > 0 {
		return name + "第" + chineseNumber(round+1) + kind
	}
	return name + kind
}

// chineseNumber writes 1–99999 in Chinese numerals (二十三, 一百零五).
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []string{"", "十", "百", "千", "万"}
	if n < 20 && n >= 10 {
		return "十" + strings.TrimPrefix(chineseNumber(n-10), "零")
	}
	var parts []string
	zero := false
	for u := 4; u >= 0; u-- {
		p := int(math.Pow10(u))
		d := n / p % 10
		switch {
		case d == 0 && len(parts) > 0:
			zero = true
		case d > 0:
			if zero {
				parts = append(parts, "零")
				zero = false
			}
			parts = append(parts, digits[d]+units[u])
		}
	}
	if len(parts) == 0 {
		return "零"
	}
	return strings.Join(parts, "")
}
