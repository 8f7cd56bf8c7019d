package serve

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/pgtest"
)

// childEnv names the store of TestServeChild: set, the test binary serves it.
const childEnv = "NIANBAO_SERVE_CHILD"

// TestServeChild is the server that TestKill kills: it serves the store
// named by $NIANBAO_SERVE_CHILD and prints its address.
func TestServeChild(t *testing.T) {
	target := os.Getenv(childEnv)
	if target == "" {
		t.Skip("the server of TestKill, run by it")
	}
	st := NewSQLStore(openTestStore(t, target))
	srv, err := New(context.Background(), testConfig(testProgram(t), st, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(l.Addr().String())
	srv.Serve(context.Background(), l, "", "", time.Minute) // until killed
}

// TestKill: a server killed (SIGKILL) while uploads are under way leaves
// no half submission — each stored one has all its bytes and findings —
// every upload answered as stored is stored, and the database serves on.
func TestKill(t *testing.T) {
	kill(t)
}

func kill(t *testing.T) {
	const n = 30
	e := newEnv(t, n, nil)
	target := e.target
	data := make([][]byte, n)
	for i := range n {
		data[i] = recode(t, e.workbook(0, i%3), e.schools[0].Code, e.schools[i].Code)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestServeChild$")
	child.Env = append(os.Environ(), childEnv+"="+target)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the child server did not start: %v", err)
	}
	e.ts.URL = "http://" + addr[:len(addr)-1] // the helpers talk to the child
	var wg sync.WaitGroup
	stored := make([]bool, n)
	first := make(chan struct{}) // closed when a third are stored: then kill
	var mu sync.Mutex
	answered := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client()
			tok := e.tokens[e.schools[i].Code]
			resp, err := c.Get(e.ts.URL + "/s/" + tok + "/")
			if err != nil {
				return // killed
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := csrfRE.FindSubmatch(body)
			if m == nil {
				return
			}
			mp, ctype := multipartBody(t, string(m[1]), "a.xlsx", data[i])
			resp, err = c.Post(e.ts.URL+"/s/"+tok+"/upload", ctype, mp)
			if err != nil {
				return // killed under way
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusSeeOther {
				mu.Lock()
				stored[i] = true
				if answered++; answered == n/3 {
					close(first)
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-first:
	case <-time.After(2 * time.Minute):
		t.Fatal("no upload was stored")
	}
	if err := child.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	wg.Wait()

	// what the killed server left
	ctx := context.Background()
	subs, err := e.store.Submissions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]bool{}
	for i, s := range e.schools {
		for _, sub := range subs {
			if sub.School == s.Code {
				if byCode[s.Code] {
					t.Errorf("%s stored twice", s.Code)
				}
				byCode[s.Code] = true
			}
		}
		if stored[i] && !byCode[s.Code] {
			t.Errorf("%s was answered as stored but is not", s.Code)
		}
	}
	for _, sub := range subs {
		full, err := e.store.Submission(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.store.Data(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(stored)
		if hex.EncodeToString(sum[:]) != sub.Hash || int64(len(stored)) != sub.Size {
			t.Errorf("submission %d: %d bytes stored of %d", sub.ID, len(stored), sub.Size)
		}
		n := 0
		for _, f := range full.Findings {
			if f.Severity == "error" {
				n++
			}
		}
		if n != sub.Counts.Errors {
			t.Errorf("submission %d: %d errors stored, counted %d", sub.ID, n, sub.Counts.Errors)
		}
		if _, err := json.Marshal(full.Findings); err != nil {
			t.Error(err)
		}
	}
	// and each is in the store whole: its submission, accepted, with a
	// workbook holding values; nothing in the store that serve lacks
	var inStore, accepted, withValues, serveRows int
	if err := e.db.QueryRow(`SELECT COUNT(*) FROM submissions WHERE file LIKE '网上填报/%'`).Scan(&inStore); err != nil {
		t.Fatal(err)
	}
	e.db.QueryRow(`SELECT COUNT(*) FROM submissions WHERE decision = 'accepted'`).Scan(&accepted)
	e.db.QueryRow(`SELECT COUNT(DISTINCT s.id) FROM submissions s JOIN cell_values v ON v.workbook_id = s.workbook_id`).Scan(&withValues)
	e.db.QueryRow(`SELECT COUNT(*) FROM serve_submissions WHERE store_submission IS NOT NULL`).Scan(&serveRows)
	if inStore != len(subs) || accepted != len(subs) || withValues != len(subs) || serveRows != len(subs) {
		t.Errorf("%d uploads stored: %d in the store, %d accepted, %d with values, %d linked", len(subs), inStore, accepted, withValues, serveRows)
	}
	t.Logf("killed with %d of %d uploads answered, %d stored", answered, n, len(subs))
	// and the database serves on
	srv, err := New(ctx, testConfig(e.prog, e.store, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	e.ts.Config.Handler = srv.Handler()
	e.ts.URL = "http://" + e.ts.Listener.Addr().String()
	for i := range n {
		if !byCode[e.schools[i].Code] {
			c := e.client()
			tok := e.tokens[e.schools[i].Code]
			_, _, csrf := e.get(c, "/s/"+tok+"/")
			if resp, _ := e.upload(c, tok, csrf, "a.xlsx", data[i]); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("after the kill, upload %d: %d", i, resp.StatusCode)
			}
			break
		}
	}
}

// TestKillPostgres is TestKill on a throw-away PostgreSQL.
func TestKillPostgres(t *testing.T) {
	pgtest.URL(t) // skips (or fails under NIANBAO_REAL_CLIENTS=1) without PostgreSQL
	testOnPostgres = true
	defer func() { testOnPostgres = false }()
	kill(t)
}
