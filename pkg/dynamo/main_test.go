package dynamo_test

import (
	"testing"

	"github.com/warmlead/warmlead/infra/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
