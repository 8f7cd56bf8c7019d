package store

import (
	"context"
	"sort"
	"sync"
)

// labelKey is what a value is: its keys and the words 学校数据 shows.
type labelKey struct {
	sheet, field, col       string
	sheetName, item, column string
	unit                    string
	places                  int
}

func keyOf(v Value) labelKey {
	return labelKey{v.Sheet, v.Field, v.Col, v.SheetName, v.Item, v.Column, v.Unit, v.Places}
}

// labelCache holds the IDs of value_labels this process has seen committed.
type labelCache struct {
	mu  sync.Mutex
	ids map[labelKey]int64
}

// labelsTx resolves labels within one transaction: the IDs it adds are
// cached only once the transaction has committed.
type labelsTx struct {
	s     *Store
	fresh map[labelKey]int64
}

func (s *Store) labelsTx() *labelsTx { return &labelsTx{s: s, fresh: map[labelKey]int64{}} }

// resolve finds the IDs of labels, adding the new ones, in key order (see
// Store.add); another process may add the same one at once: the unique key
// decides, and both read its ID.
func (l *labelsTx) resolve(ctx context.Context, t tx, keys []labelKey) error {
	c := &l.s.labels
	var missing []labelKey
	c.mu.Lock()
	for _, k := range keys {
		if _, ok := c.ids[k]; !ok {
			if _, ok := l.fresh[k]; !ok {
				l.fresh[k] = 0
				missing = append(missing, k)
			}
		}
	}
	c.mu.Unlock()
	sort.Slice(missing, func(i, j int) bool { return missing[i].less(missing[j]) })
	for _, k := range missing {
		args := []any{k.sheet, k.field, k.col, k.sheetName, k.item, k.column, k.unit}
		if err := t.exec(ctx, l.s.q(`INSERT INTO value_labels (sheet_key, field_key, col_key, sheet_name, item, col_name, unit, places)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), append(args, k.places)...); err != nil {
			return err
		}
		var id int64
		if err := t.queryRow(ctx, l.s.q(`SELECT id FROM value_labels WHERE sheet_key = ? AND field_key = ? AND col_key = ? AND sheet_name = ?
			AND item = ? AND col_name = ? AND unit = ?`), args...)(&id); err != nil {
			return err
		}
		l.fresh[k] = id
	}
	return nil
}

// get is the ID of a resolved label.
func (l *labelsTx) get(k labelKey) int64 {
	if id, ok := l.fresh[k]; ok {
		return id
	}
	c := &l.s.labels
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[k]
}

func (a labelKey) less(b labelKey) bool {
	x := [...]string{a.sheet, a.field, a.col, a.sheetName, a.item, a.column, a.unit}
	y := [...]string{b.sheet, b.field, b.col, b.sheetName, b.item, b.column, b.unit}
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return a.places < b.places
}

// commit caches the labels of a committed transaction.
func (l *labelsTx) commit() {
	c := &l.s.labels
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[labelKey]int64{}
	}
	for k, id := range l.fresh {
		c.ids[k] = id
	}
}
