#!/bin/sh
# Every man page passes mandoc's lint without a warning (a stray delimiter
# or a chained quote macro renders wrong, and mandoc says so).
command -v mandoc >/dev/null || { echo "man-lint: SKIP: mandoc is not installed" >&2; exit 77; }
status=0
for page in "${srcdir:-.}"/man/*.[1-8]; do
	out=$(mandoc -T lint -W warning "$page" 2>&1) || status=1
	# The system's own index may be stale: that is no fault of the page.
	out=$(printf '%s\n' "$out" | grep -v 'mandoc.db' || true)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		status=1
	fi
done
exit $status
