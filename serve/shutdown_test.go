package serve

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/report"
)

// TestShutdownFinishesUploads: a stop (SIGTERM cancels Serve's context)
// takes no new request, lets the upload under way finish and be stored
// whole, then Serve returns.
func TestShutdownFinishesUploads(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e := newEnv(t, 1, func(c *Config) {
		read := c.Read
		c.Read = func(ctx context.Context, p string) (*report.Report, []byte, error) {
			once.Do(func() { close(entered) })
			<-release
			return read(ctx, p)
		}
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, l, "", "", 30*time.Second) }()
	e.ts.URL = "http://" + l.Addr().String() // the helpers talk to this server
	tok := e.tokens[e.schools[0].Code]
	c := e.client()
	_, _, csrf := e.get(c, "/s/"+tok+"/")
	data := e.workbook(0, 1)
	uploaded := make(chan int, 1)
	go func() {
		resp, _ := e.upload(c, tok, csrf, "a.xlsx", data)
		uploaded <- resp.StatusCode
	}()
	<-entered // the upload is being checked
	stop()
	time.Sleep(300 * time.Millisecond)
	if resp, err := http.Get(e.ts.URL + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("a new request after the stop: %d", resp.StatusCode)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the upload finished: %v", err)
	default:
	}
	close(release)
	if code := <-uploaded; code != http.StatusSeeOther {
		t.Errorf("the upload under way: %d", code)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	subs, _ := e.store.Submissions(context.Background(), "")
	if len(subs) != 1 {
		t.Fatalf("%d submissions stored, want 1", len(subs))
	}
	if stored, _ := e.store.Data(context.Background(), subs[0].ID); len(stored) != len(data) {
		t.Errorf("stored %d bytes of %d", len(stored), len(data))
	}
}
