# Warmlead. `make run` starts the local stack, `make test` runs every test
# against DynamoDB Local. See README.md.

SHELL     := /bin/bash
GO        ?= go
# nethttpomithttp2: the functions speak HTTP/1.1 only (Runtime API, DynamoDB);
# leaving net/http's HTTP/2 out saves ~0.4 MB per binary.
GOFLAGS_BUILD := -tags lambda.norpc,nethttpomithttp2 -trimpath -ldflags="-s -w"
# The HTTP API is served by several functions, one per group of routes
# (pkg/httpapi/groups.go; docs/platform.md, "One API, several functions").
API_FUNCTIONS := api postings referrals members orgs people
FUNCTIONS := $(API_FUNCTIONS) notifier followups scheduler
HOSTARCH  := $(shell $(GO) env GOARCH)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test token build lint bench load deploy clean ddblocal \
	build-ApiFunction build-NotifierFunction

## run: the whole local stack (DynamoDB Local, table, demo data, API on :8080)
run:
	$(GO) run ./infra/cmd/local

## test: every test, against a DynamoDB Local each test package starts
test:
	$(GO) test -count=1 -timeout 20m ./...
	@# What runs concurrently by design, again under the race detector: a
	@# group's first requests (pkg/httpapi/lazy.go), the notifier's batch.
	$(GO) test -count=1 -race -run 'TestGroup|TestABatch|TestFailedBatch|TestRecordsOfOneKey' ./pkg/httpapi ./pkg/notify

## token: a bearer token from the local sign-in provider (make run must be running), e.g. make token NAME=alice
token:
	@$(GO) run ./infra/cmd/token $(NAME)

## ddblocal: fetch and verify DynamoDB Local into .cache (tests do it on demand)
ddblocal:
	$(GO) run ./infra/cmd/ddblocal install

## build: bootstrap binaries, arm64 (deploy) and host arch (local runs)
build:
	@for f in $(FUNCTIONS); do \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o bin/arm64/$$f/bootstrap ./functions/$$f || exit 1; \
	  GOOS=linux GOARCH=$(HOSTARCH) CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o bin/$(HOSTARCH)/$$f/bootstrap ./functions/$$f || exit 1; \
	done
	@ls -l bin/*/*/bootstrap

# SAM (BuildMethod: makefile) calls these with ARTIFACTS_DIR set.
build-ApiFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/api

.PHONY: build-PostingsFunction build-ReferralsFunction build-MembersFunction build-OrgsFunction build-PeopleFunction
build-PostingsFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/postings

build-ReferralsFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/referrals

build-MembersFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/members

build-OrgsFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/orgs

build-PeopleFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/people

build-NotifierFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/notifier

# Follow-ups and email (docs/followups.md).
.PHONY: build-FollowupsFunction build-SchedulerFunction
build-FollowupsFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/followups

build-SchedulerFunction:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/scheduler

## lint: gofmt, go vet, staticcheck
lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: every BENCHMARKS.md number in one table (also written to .cache/bench.txt)
BENCH := -run '^$$' -benchmem -count=1 -timeout 30m
bench:
	@mkdir -p .cache
	@set -o pipefail; { $(GO) test $(BENCH) -bench 'APIvsSDK' -benchtime 300x ./pkg/httpapi && \
	   $(GO) test $(BENCH) -bench 'HostilePeakHeap' -benchtime 3x ./pkg/httpapi && \
	   $(GO) test $(BENCH) -bench 'Fanout10k' -benchtime 3x ./pkg/notify && \
	   $(GO) test $(BENCH) -bench 'ColdStart' -benchtime 45x ./infra/lambdarie && \
	   $(GO) test $(BENCH) -bench 'PeakRSS100' -benchtime 3x ./infra/localstack && \
	   $(GO) test $(BENCH) -bench 'Sweep100k' -benchtime 1x ./pkg/followup && \
	   $(GO) test $(BENCH) -bench 'FactToEmail' -benchtime 1x ./infra/localstack && \
	   $(GO) test $(BENCH) -bench 'SearchAlertMatch' -benchtime 5x ./pkg/notify && \
	   $(GO) test $(BENCH) -bench 'IndexAmplification' -benchtime 1x ./infra/localstack; } | tee .cache/bench.txt
	@echo
	@# The make load rows come from the last make load (.cache/load.txt), if any.
	@cat .cache/bench.txt $(wildcard .cache/load.txt) | $(GO) run ./infra/cmd/benchtable

## bench-smoke: a short make bench for CI (smaller sizes with -short, fewer
## iterations, timing goals loosened; BENCHMARKS.md, "Smoke"): fails on a
## large regression
SMOKE := -run '^$$' -short -benchmem -count=1 -timeout 10m
.PHONY: bench-smoke
bench-smoke:
	@mkdir -p .cache
	@set -o pipefail; { $(GO) test $(SMOKE) -bench 'APIvsSDK' -benchtime 60x ./pkg/httpapi && \
	   $(GO) test $(SMOKE) -bench 'HostilePeakHeap' -benchtime 1x ./pkg/httpapi && \
	   $(GO) test $(SMOKE) -bench 'Fanout10k|SearchAlertMatch' -benchtime 3x ./pkg/notify && \
	   $(GO) test $(SMOKE) -bench 'Sweep100k' -benchtime 1x ./pkg/followup && \
	   $(GO) test $(SMOKE) -bench 'IndexAmplification' -benchtime 1x ./infra/localstack; } > .cache/bench-smoke.txt \
	   || { cat .cache/bench-smoke.txt; exit 1; }
	@$(GO) run ./infra/cmd/benchtable -smoke < .cache/bench-smoke.txt

## fuzz: each fuzz target for FUZZTIME (one run per target: -fuzz takes
## one target in one package); the corpus it grows stays in GOCACHE
FUZZTIME ?= 60s
.PHONY: fuzz
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCreatePosting$$' -fuzztime $(FUZZTIME) ./pkg/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzCreatePostingValues$$' -fuzztime $(FUZZTIME) ./pkg/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzPutMe$$' -fuzztime $(FUZZTIME) ./pkg/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzCleanJSON$$' -fuzztime $(FUZZTIME) ./pkg/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzOpenCursor$$' -fuzztime $(FUZZTIME) ./pkg/dynamo
	$(GO) test -run '^$$' -fuzz '^FuzzReferralToken$$' -fuzztime $(FUZZTIME) ./pkg/dynamo
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRecord$$' -fuzztime $(FUZZTIME) ./pkg/dynamo
	$(GO) test -run '^$$' -fuzz '^FuzzPostingNormalize$$' -fuzztime $(FUZZTIME) ./pkg/warmlead

## load: 50 concurrent members x 200 operations (10,000 in all; 3-4 min)
## against a fresh local stack with the stream pump, then verify nothing was
## lost or doubled and that the last notification owed arrived within 60 s
## of the load's end (its report also goes to .cache/load.txt, for make
## bench's table, which marks a run of another size unmet).
## make load LOADFLAGS="-clients 50 -ops 40" is a shorter run.
LOADFLAGS ?= -clients 50 -ops 200
load:
	@mkdir -p .cache
	@set -o pipefail; $(GO) run ./infra/cmd/load $(LOADFLAGS) | tee .cache/load.txt

## deploy: build with SAM and deploy (asks for stack name, region, ...)
deploy:
	sam build && sam deploy --guided

clean:
	rm -rf bin .aws-sam

## openapi-lint: the OpenAPI document (as GET /openapi.json serves it) linted
## with Redocly CLI's recommended rules (needs Node 20.19+ and npm)
REDOCLY := @redocly/cli@2.77.0
.PHONY: openapi-lint
openapi-lint:
	@mkdir -p .cache
	$(GO) run ./infra/cmd/openapi > .cache/openapi.json
	cd .cache && npx --yes $(REDOCLY) lint openapi.json

## openapi: rebuild the OpenAPI document pkg/httpapi embeds (served by
## ApiFunction) from the whole API; TestEmbeddedDocumentIsCurrent fails
## until this is run after a change to the API
.PHONY: openapi
openapi:
	$(GO) generate ./pkg/httpapi

## huma-fork: rewrite third_party/huma, the huma the project builds with:
## upstream at the version go.mod requires plus third_party/huma.patch
## (docs/platform.md, "huma, patched"); TestForkIsUpstreamPlusPatch fails
## until this is run after a version bump or a change to the patch
.PHONY: huma-fork
huma-fork:
	$(GO) run ./infra/cmd/humafork
