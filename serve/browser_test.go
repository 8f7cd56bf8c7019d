package serve

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nianbao/nianbao/internal/pgtest"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/validate"
)

// artifacts is where the browser test keeps its screenshots and downloads:
// $NIANBAO_ARTIFACTS/serve when set (CI keeps it), else the test's folder.
func artifacts(t *testing.T) string {
	dir := t.TempDir()
	if a := os.Getenv("NIANBAO_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "serve")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBrowser is the whole loop in headless Chromium, as a school and the
// bureau use it: open the link, upload a workbook with mistakes, see each
// finding at its cell, download the annotated copy, write a 说明, upload
// the corrected workbook and see 通过; log in as the bureau, see the status,
// download 汇总.xlsx. Every page is kept as a screenshot.
func TestBrowser(t *testing.T) {
	chromium := realclients.Chromium(t)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			browse(t, chromium, newEnvOn(t, pgtest.Backends(t)[backend](t), 2, nil), filepath.Join(artifacts(t), backend))
		})
	}
}

// browse is TestBrowser on one database; the screenshots go to shots.
func browse(t *testing.T, chromium string, e *env, shots string) {
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(t.TempDir(), "downloads")
	os.Mkdir(downloads, 0o755)
	school := e.schools[0]
	// a workbook with an error and a warning, and the corrected one
	files := t.TempDir()
	withMistakes := filepath.Join(files, school.Code+"_有错误.xlsx")
	corrected := filepath.Join(files, school.Code+"_改正后.xlsx")
	os.WriteFile(withMistakes, e.mistakesWithWarning(0), 0o644)
	os.WriteFile(corrected, e.workbook(0, 0), 0o644)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// the browser starts on the first action, which must not have a deadline
	if err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	})); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		})
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	link := e.ts.URL + "/s/" + e.tokens[school.Code] + "/"

	// the school opens its link
	run("open the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("upload")), shot("1-学校页面"))
	if h1 := text("h1"); !strings.Contains(h1, school.Name) {
		t.Fatalf("the school's page is titled %q", h1)
	}
	// uploads a workbook with mistakes
	run("upload", chromedp.SetUploadFiles(chromedp.ID("file"), []string{withMistakes}), chromedp.Click(chromedp.ID("upload")),
		chromedp.WaitVisible(chromedp.ID("result")), shot("2-审核结果"))
	subs, _ := e.store.Submissions(context.Background(), school.Code)
	first, err := e.store.Submission(context.Background(), subs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.Counts.Errors == 0 || first.Counts.Warnings == 0 {
		t.Fatalf("the workbook with mistakes: %+v", first.Counts)
	}
	result := text("#result")
	for _, f := range first.Findings {
		if !strings.Contains(result, f.Cell) || !strings.Contains(result, f.Message) {
			t.Errorf("finding %s!%s %q not shown", f.Sheet, f.Cell, f.Message)
		}
	}
	if !strings.Contains(result, "有错误") {
		t.Errorf("status not shown: %s", result)
	}
	// downloads the annotated copy
	run("annotated copy", chromedp.Click(chromedp.ID("annotated")))
	copyName := strings.TrimSuffix(filepath.Base(withMistakes), ".xlsx") + "_审核.xlsx"
	annotated := waitFile(t, filepath.Join(downloads, copyName))
	if r, _, err := testReader(e.prog)(context.Background(), annotated); err != nil {
		t.Errorf("the annotated copy cannot be read: %v", err)
	} else if got := validate.Count(validate.Check(e.prog, r, validate.Options{})); got.Errors != first.Counts.Errors {
		t.Errorf("the annotated copy validates to %+v, the upload to %+v", got, first.Counts)
	}
	// writes a 说明 for the first warning
	run("说明", chromedp.SendKeys(chromedp.CSS(`tr.explain input[name="text"]`), "本年度合并了分校区，数据无误"),
		chromedp.Click(chromedp.CSS(`tr.explain button`)), chromedp.WaitVisible(chromedp.CSS(`tr.explain .ok`)), shot("3-已填说明"))
	if after, _ := e.store.Submission(context.Background(), first.ID); after.Counts.Explained != first.Counts.Explained+1 {
		t.Errorf("explained: %d → %d", first.Counts.Explained, after.Counts.Explained)
	}
	if !strings.Contains(text("#result"), "已说明 1") {
		t.Error("the counts do not show the 说明")
	}
	// resubmits the corrected workbook and sees 通过
	run("resubmit", chromedp.SetUploadFiles(chromedp.ID("file"), []string{corrected}), chromedp.Click(chromedp.ID("upload")),
		chromedp.WaitVisible(chromedp.CSS(".pass-box")), shot("4-通过"))
	if s := text(".pass-box"); !strings.HasPrefix(s, "通过") {
		t.Errorf("pass box: %q", s)
	}
	// the bureau logs in and sees the status
	run("bureau login", chromedp.Navigate(e.ts.URL+"/bureau/login"), chromedp.WaitVisible(chromedp.ID("password")), shot("5-教育局登录"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword), chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("overview")), shot("6-提交情况"))
	if n := text("#n-passed"); n != "1" {
		t.Errorf("通过: %q, want 1", n)
	}
	if n := text("#n-missing"); n != "1" {
		t.Errorf("未提交: %q, want 1", n)
	}
	if row := text("#overview tbody tr:first-child"); !strings.Contains(row, school.Name) || !strings.Contains(row, "通过") {
		t.Errorf("the school's row: %q", row)
	}
	run("bureau school", chromedp.Click(chromedp.CSS(`#overview tbody tr:first-child a`)), chromedp.WaitVisible(chromedp.ID("lock")), shot("7-学校详情"))
	// and downloads 汇总.xlsx, consolidate's over the submissions used
	run("汇总", chromedp.Navigate(e.ts.URL+"/bureau/"), chromedp.WaitVisible(chromedp.ID("overview")), chromedp.Click(chromedp.CSS(`a[href="/bureau/region.xlsx"]`)))
	got := waitFile(t, filepath.Join(downloads, "汇总.xlsx"))
	want := filepath.Join(t.TempDir(), "汇总.xlsx")
	if err := e.srv.Consolidate(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(got)
	b, _ := os.ReadFile(want)
	if !bytes.Equal(a, b) {
		t.Errorf("the downloaded 汇总.xlsx (%d bytes) is not consolidate's (%d bytes)", len(a), len(b))
	}
	// and sees 汇总's charts (the other school has sent its workbook too),
	// in the page and as A4 print
	e.submit(1, 0)
	run("图表", chromedp.Navigate(e.ts.URL+"/bureau/"), chromedp.WaitVisible(chromedp.ID("overview")), chromedp.Click(chromedp.ID("charts-link")), chromedp.WaitVisible(chromedp.CSS("figure.chart svg")), shot("8-图表"))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg").length`)); err != nil || n != len(e.prog.Spec.Charts) {
		t.Errorf("%d charts drawn (%v), want %d", n, err, len(e.prog.Spec.Charts))
	}
	// as printed on A4 (794 CSS pixels wide at 96 dpi), then back to the screen
	run("图表 as A4 print", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}), chromedp.EmulateViewport(794, 1123), shot("9-图表-A4打印"), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	}), chromedp.EmulateViewport(1280, 900))
	if svg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#chart4 svg").textContent`)); err != nil || !strings.Contains(svg, e.schools[1].Name) {
		t.Errorf("the chart by school does not name %s (%v): %q", e.schools[1].Name, err, svg)
	}
	// the password's page
	run("修改密码", chromedp.Navigate(e.ts.URL+"/bureau/password"), chromedp.WaitVisible(chromedp.ID("change")), shot("10-修改密码"))
	t.Logf("screenshots in %s", shots)
}

// waitFile waits for a download to be complete.
func waitFile(t *testing.T, path string) string {
	t.Helper()
	for range 200 {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			if _, err := os.Stat(path + ".crdownload"); err != nil {
				return path
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("%s not downloaded (the folder holds %v)", filepath.Base(path), names)
	return ""
}

// mistakesWithWarning is school i's workbook with the fewest sample
// mistakes that give both an error and a warning.
func (e *env) mistakesWithWarning(i int) []byte {
	read := testReader(e.prog)
	dir := e.t.TempDir()
	for k := 2; k <= 10; k++ {
		data := e.workbook(i, k)
		p := filepath.Join(dir, fmt.Sprintf("%d.xlsx", k))
		os.WriteFile(p, data, 0o644)
		r, _, err := read(context.Background(), p)
		if err != nil {
			e.t.Fatal(err)
		}
		if c := validate.Count(validate.Check(e.prog, r, validate.Options{})); c.Errors > 0 && c.Warnings > 0 {
			return data
		}
	}
	e.t.Fatal("no sample workbook with an error and a warning")
	return nil
}
