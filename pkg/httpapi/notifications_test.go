package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warmlead/warmlead/infra/apigwtest"
	"github.com/warmlead/warmlead/pkg/notify"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

type inboxResp struct {
	Items []struct {
		ID        string `json:"id"`
		Type      string `json:"type"`
		PostingID string `json:"posting_id"`
		ActorID   string `json:"actor_id"`
		Read      bool   `json:"read"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
	Unread     int    `json:"unread"`
}

func TestInboxNewestFirstWithUnreadWatermark(t *testing.T) {
	t.Parallel()
	api, env := newAPI(t)
	store := env.Store(t)
	base := time.Now().Add(-time.Hour)
	var ns []*warmlead.Notification
	for i := 0; i < 5; i++ {
		ns = append(ns, notify.New(warmlead.NotifyNewPosting, "dana", "alice", fmt.Sprintf("p%d", i), fmt.Sprintf("posting:%d", i), base.Add(time.Duration(i)*time.Minute)))
	}
	ns = append(ns, notify.New(warmlead.NotifyNewPosting, "sam", "alice", "p0", "posting:0", base))
	if err := store.PutNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}

	var in inboxResp
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications?limit=2", Member: "dana"}).JSON(t, &in)
	if len(in.Items) != 2 || in.Items[0].PostingID != "p4" || in.Items[1].PostingID != "p3" || in.Unread != 5 || in.NextCursor == "" {
		t.Fatalf("first page = %+v", in)
	}
	// Mark read up to p3 (the second newest): p0..p3 read, p4 unread.
	res := api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/notifications/read", Member: "dana", Body: `{"up_to":"` + in.Items[1].ID + `"}`})
	if res.Status != 204 {
		t.Fatalf("mark read = %d %s", res.Status, res.Body)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications", Member: "dana"}).JSON(t, &in)
	if in.Unread != 1 || in.Items[0].Read || !in.Items[1].Read || !in.Items[4].Read {
		t.Errorf("after marking up to p3: %+v", in)
	}
	// The watermark never moves back, and replays stay read.
	oldest := in.Items[4].ID
	api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/notifications/read", Member: "dana", Body: `{"up_to":"` + oldest + `"}`})
	if err := store.PutNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications", Member: "dana"}).JSON(t, &in)
	if in.Unread != 1 || len(in.Items) != 5 {
		t.Errorf("after a backwards mark and a replay: unread %d, %d items", in.Unread, len(in.Items))
	}
	// No body: everything so far.
	api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/notifications/read", Member: "dana"})
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications", Member: "dana"}).JSON(t, &in)
	if in.Unread != 0 {
		t.Errorf("after marking all: unread %d", in.Unread)
	}
	// Sam's inbox is his own.
	api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications", Member: "sam"}).JSON(t, &in)
	if len(in.Items) != 1 || in.Unread != 1 {
		t.Errorf("sam's inbox = %+v", in)
	}
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "POST", Path: "/me/notifications/read", Member: "dana", Body: `{"up_to":"yesterday"}`}), 422, "body.up_to")
	wantProblem(t, api.Do(t, apigwtest.Request{Method: "GET", Path: "/me/notifications"}), 401, "header.Authorization")
}
