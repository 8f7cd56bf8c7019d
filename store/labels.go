package store

import (
	"context"
	"sync"
)

// labelKey is what a value is: its keys and the words 学校数据 shows.
type labelKey struct {
	sheet, field, col       string
	sheetName, item, column string
	unit                    string
}

func keyOf(v Value) labelKey {
	return labelKey{v.Sheet, v.Field, v.Col, v.SheetName, v.Item, v.Column, v.Unit}
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

// id is the ID of a value's label, added when new (another process may add
// the same one at once: the unique key decides, and both read its ID).
func (l *labelsTx) id(ctx context.Context, t tx, v Value) (int64, error) {
	k := keyOf(v)
	c := &l.s.labels
	c.mu.Lock()
	id, ok := c.ids[k]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	if id, ok := l.fresh[k]; ok {
		return id, nil
	}
	args := []any{k.sheet, k.field, k.col, k.sheetName, k.item, k.column, k.unit}
	if err := t.exec(ctx, l.s.q(`INSERT INTO value_labels (sheet_key, field_key, col_key, sheet_name, item, col_name, unit)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), args...); err != nil {
		return 0, err
	}
	err := t.queryRow(ctx, l.s.q(`SELECT id FROM value_labels WHERE sheet_key = ? AND field_key = ? AND col_key = ? AND sheet_name = ?
		AND item = ? AND col_name = ? AND unit = ?`), args...)(&id)
	if err != nil {
		return 0, err
	}
	l.fresh[k] = id
	return id, nil
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
