package zz

import (
	"context"
	"net"
	"testing"

	"github.com/warmlead/warmlead/infra/ddblocal"
)

func TestBusyPort(t *testing.T) {
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = ddblocal.Start(context.Background(), ddblocal.Options{Port: l.Addr().(*net.TCPAddr).Port})
	t.Logf("err: %v", err)
}
