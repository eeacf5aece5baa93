# Everyday tasks. The scripts do the work, so the README's commands and make agree.
.PHONY: run test race lint bench smoke fuzz

run:
	bash scripts/run-app.sh

test:
	bash scripts/test.sh

race:
	. scripts/env.sh && go test -race -count=1 -timeout 40m ./...

lint:
	. scripts/env.sh && gofmt -l . && go vet ./... && go tool staticcheck ./...

# Speed and memory targets live in benchmarks, never in timed unit tests.
bench:
	bash scripts/bench.sh

smoke:
	bash scripts/smoke-gui.sh

# Coverage-guided fuzzing, FUZZTIME per target (default 60s); finds land in testdata/fuzz/.
fuzz:
	bash scripts/fuzz.sh

# Release files under dist/ (Linux package, Windows exe, danvanctl for both), and
# their check: install in a temporary prefix, open windows under Xvfb and Wine.
.PHONY: dist dist-check
dist:
	bash scripts/dist.sh

dist-check:
	bash scripts/dist-check.sh
