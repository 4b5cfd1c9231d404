# douyinfs: build, test, demo, bench, fuzz, deps.
#
#   make demo    mount a built-in fake Douyin at ./mnt and show what to try
#   make test    install what the tests need (as root), vet, run every test
#   make bench   side-by-side benchmarks; writes BENCHMARKS.md
#   make stress  minutes of checked random preads on a real mount, per phase

GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build test unit demo bench stress fuzz mutate deps deps-test deps-bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/douyinfs ./cmd/douyinfs
	$(GO) build -o bin/fakedouyin ./cmd/fakedouyin

# The tools the tests run on a real mount. Installed with apt-get when
# missing and we are root; otherwise the script says what to install.
deps-test:
	@tests/scripts/need-tools.sh fusermount3:fuse3 rsync:rsync ffprobe:ffmpeg curl:curl tinyproxy:tinyproxy microsocks:microsocks getfattr:attr jq:jq \
		dbus-daemon:dbus-daemon gnome-keyring-daemon:gnome-keyring secret-tool:libsecret-tools

deps-bench:
	@tests/scripts/need-tools.sh fusermount3:fuse3 rsync:rsync ffprobe:ffmpeg curl:curl rclone:rclone httpdirfs:httpdirfs hyperfine:hyperfine

deps: deps-test
	$(GO) mod download

test: deps-test
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# Unit tests only (no mount, no subprocess): fast feedback while coding.
unit:
	$(GO) test -count=1 -short ./sign/ ./fetch/ ./cache/ ./fs/

demo: build
	@tests/scripts/demo.sh

bench: build deps-bench
	@tests/scripts/bench.sh

# Concurrent random preads on a real mount of the fake, every byte checked:
# no faults, faults, a slow link (STRESS_SECONDS per phase, default 120).
stress: deps-test
	@GO=$(GO) tests/scripts/stress.sh

# A short run of every fuzz target (FUZZTIME each).
fuzz:
	@tests/scripts/fuzz.sh $(FUZZTIME)

# Mutation testing (gremlins) of the committed tree: read path, pager, cache
# budget code, fs; MUTATE_TIME seconds per file. Prints a score per package.
mutate:
	@tests/scripts/mutate.sh

clean:
	rm -rf bin
