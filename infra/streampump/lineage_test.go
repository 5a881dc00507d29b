package streampump

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeStreams serves the three DynamoDB Streams calls the pump makes, for
// what DynamoDB Local cannot be made to do on demand: a closed parent shard
// with children (AWS rolls shards over every few hours), and a shard list
// long enough to be paginated. Everything that DynamoDB Local can do is
// tested against DynamoDB Local.
type fakeStreams struct {
	arn    string
	shards []fakeShard // in the order DescribeStream lists them

	mu    sync.Mutex
	calls map[string][]string // operation -> shard ids (or "" for DescribeStream)
}

type fakeShard struct {
	id, parent string
	closed     bool
	records    []int // write indexes; sequence number = index+1
}

func seqOf(i int) string { return fmt.Sprintf("%021d", i+1) }

func (f *fakeStreams) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDBStreams_20120810.")
	var in struct {
		ExclusiveStartShardId, ShardId, ShardIteratorType, SequenceNumber, ShardIterator string
		Limit                                                                            int
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls[op] = append(f.calls[op], in.ShardId)
	f.mu.Unlock()

	var out any
	switch op {
	case "DescribeStream":
		// One shard a page, so that every listing is paginated.
		i := 0
		if in.ExclusiveStartShardId != "" {
			i = slices.IndexFunc(f.shards, func(s fakeShard) bool { return s.id == in.ExclusiveStartShardId }) + 1
		}
		desc := map[string]any{"StreamArn": f.arn, "StreamStatus": "ENABLED", "StreamViewType": "NEW_IMAGE", "Shards": []any{}}
		if i < len(f.shards) {
			s := f.shards[i]
			sh := map[string]any{"ShardId": s.id, "SequenceNumberRange": map[string]any{"StartingSequenceNumber": "1"}}
			if s.parent != "" {
				sh["ParentShardId"] = s.parent
			}
			desc["Shards"] = []any{sh}
			if i+1 < len(f.shards) {
				desc["LastEvaluatedShardId"] = s.id
			}
		}
		out = map[string]any{"StreamDescription": desc}
	case "GetShardIterator":
		s := f.shard(in.ShardId)
		pos := 0
		if in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			pos = slices.IndexFunc(s.records, func(i int) bool { return seqOf(i) == in.SequenceNumber }) + 1
		}
		out = map[string]any{"ShardIterator": s.id + "|" + strconv.Itoa(pos)}
	case "GetRecords":
		id, p, _ := strings.Cut(in.ShardIterator, "|")
		s := f.shard(id)
		pos, _ := strconv.Atoi(p)
		end := min(pos+in.Limit, len(s.records))
		recs := []any{}
		for _, i := range s.records[pos:end] {
			recs = append(recs, map[string]any{
				"eventID": "ev-" + strconv.Itoa(i), "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb", "awsRegion": "eu-west-3",
				"dynamodb": map[string]any{
					"ApproximateCreationDateTime": 1.7e9, "SequenceNumber": seqOf(i), "SizeBytes": 20, "StreamViewType": "NEW_IMAGE",
					"Keys": map[string]any{"PK": map[string]any{"S": itemPK(i)}, "SK": map[string]any{"S": "x"}},
				},
			})
		}
		res := map[string]any{"Records": recs}
		if !s.closed || end < len(s.records) {
			res["NextShardIterator"] = s.id + "|" + strconv.Itoa(end)
		}
		out = res
	default:
		http.Error(w, "unexpected operation "+op, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeStreams) shard(id string) fakeShard {
	for _, s := range f.shards {
		if s.id == id {
			return s
		}
	}
	panic("no shard " + id)
}

func (f *fakeStreams) iteratorRequests(shard string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, id := range f.calls["GetShardIterator"] {
		if id == shard {
			n++
		}
	}
	return n
}

// TestShardLineage: children are listed before their parent and the
// parent's own parent is long trimmed; the pump still reads the parent to
// its end before either child, finishes every closed shard, and, restarted
// on its checkpoint, neither rereads finished shards nor redelivers.
func TestShardLineage(t *testing.T) {
	fake := &fakeStreams{
		arn:   "arn:aws:dynamodb:eu-west-3:123456789012:table/t/stream/2026-01-01T00:00:00.000",
		calls: map[string][]string{},
		shards: []fakeShard{
			{id: "shard-child-a", parent: "shard-parent", closed: true, records: []int{5, 6, 7}},
			{id: "shard-grandchild", parent: "shard-child-a", records: []int{10, 11}},
			{id: "shard-child-b", parent: "shard-parent", records: []int{8, 9}},
			{id: "shard-parent", parent: "shard-trimmed", closed: true, records: []int{0, 1, 2, 3, 4}},
		},
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "cp.json")
	rec := newRecorder()
	p := New(NewStreamsClient(srv.URL), fake.arn, rec.Handle, Options{BatchSize: 2, PollInterval: 5 * time.Millisecond, CheckpointPath: path, Logger: testLogger(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Drain(ctx); err != nil {
		t.Fatal(err)
	}

	all, _ := rec.indexes(t)
	pos := map[int]int{}
	for k, i := range all {
		if _, dup := pos[i]; dup {
			t.Errorf("record %d delivered twice: %v", i, all)
		}
		pos[i] = k
	}
	if len(pos) != 12 {
		t.Fatalf("delivered %v, want records 0..11 once each", all)
	}
	before := func(a, b []int) {
		t.Helper()
		for _, x := range a {
			for _, y := range b {
				if pos[x] > pos[y] {
					t.Errorf("record %d delivered after %d: %v", x, y, all)
				}
			}
		}
	}
	parent, childA, childB, grandchild := []int{0, 1, 2, 3, 4}, []int{5, 6, 7}, []int{8, 9}, []int{10, 11}
	before(parent, childA)
	before(parent, childB)
	before(childA, grandchild)
	for _, s := range [][]int{parent, childA, childB, grandchild} {
		before(s[:len(s)-1], s[len(s)-1:]) // in order within a shard
	}
	if ev := rec.snapshot()[0][0]; ev.EventSourceArn != fake.arn || ev.AWSRegion != "eu-west-3" {
		t.Errorf("first record %+v", ev)
	}

	cp, err := loadCheckpoint(path)
	if err != nil || cp == nil {
		t.Fatalf("checkpoint: %v", err)
	}
	want := map[string]shardCheckpoint{
		"shard-parent":     {SequenceNumber: seqOf(4), Finished: true},
		"shard-child-a":    {SequenceNumber: seqOf(7), Finished: true},
		"shard-child-b":    {SequenceNumber: seqOf(9)},
		"shard-grandchild": {SequenceNumber: seqOf(11)},
	}
	if fmt.Sprint(cp.Shards) != fmt.Sprint(want) {
		t.Errorf("checkpoint shards %v, want %v", cp.Shards, want)
	}
	if n := len(fake.calls["DescribeStream"]); n < len(fake.shards) {
		t.Errorf("%d DescribeStream calls: the listing was not paginated", n)
	}

	again := newRecorder()
	if err := New(NewStreamsClient(srv.URL), fake.arn, again.Handle, Options{CheckpointPath: path, Logger: testLogger(t)}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if b := again.snapshot(); len(b) != 0 {
		t.Errorf("restarted pump redelivered %v", b)
	}
	for _, id := range []string{"shard-parent", "shard-child-a"} {
		if n := fake.iteratorRequests(id); n != 1 {
			t.Errorf("%s: %d iterators requested, want 1 (a finished shard is not read again)", id, n)
		}
	}
}
