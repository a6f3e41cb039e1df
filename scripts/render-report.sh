#!/bin/sh
# Renders a page of `policy report` with headless Chromium, to look at it and
# to check it: a PNG screenshot, and the DOM after the page's script ran (the
# script marks the body `data-ready="yes"` when it finished without error).
#
#   scripts/render-report.sh REPORT.html [OUT.png] [OUT.dom.html]
#
# OUT.png defaults to REPORT.png beside the page, OUT.dom.html to REPORT.dom.html.
# WIDTH and HEIGHT (default 1280 and 2000) set the window. This script
# installs nothing; without Chromium it says how to get it and exits 127.
set -eu

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    [ $# -ge 1 ] && exit 0
    exit 2
fi

page=$1
[ -f "$page" ] || { echo "error: no file \`$page\`" >&2; exit 1; }
base=${page%.html}
png=${2:-$base.png}
dom=${3:-$base.dom.html}
width=${WIDTH:-1280}
height=${HEIGHT:-2000}

browser=
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then browser=$(command -v "$name"); break; fi
done
if [ -z "$browser" ]; then
    echo "error: Chromium is not installed; on Debian or Ubuntu: apt-get install chromium" >&2
    exit 127
fi

# An absolute file:// address (Chromium needs one), and a profile of its own
# so that a running browser is neither used nor disturbed.
case $page in
    /*) absolute=$page ;;
    *) absolute=$(pwd)/$page ;;
esac
url=file://$absolute
profile=$(mktemp -d "${TMPDIR:-/tmp}/render-report.XXXXXX")
trap 'rm -rf "$profile"' EXIT INT TERM

flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir=$profile"

# shellcheck disable=SC2086  # the flags are words
"$browser" $flags --screenshot="$png" --window-size="$width,$height" "$url" >/dev/null 2>&1 || {
    echo "error: Chromium could not take the screenshot of \`$page\`" >&2
    exit 1
}
# shellcheck disable=SC2086
"$browser" $flags --dump-dom "$url" >"$dom" 2>/dev/null || {
    echo "error: Chromium could not load \`$page\`" >&2
    exit 1
}

echo "screenshot: $png"
echo "DOM:        $dom"
if grep -q 'data-ready="yes"' "$dom"; then
    echo "script:     ran to its end (data-ready=\"yes\")"
else
    echo "script:     did NOT finish (no data-ready=\"yes\" in the DOM)" >&2
    exit 1
fi
for id in total-households total-include total-exclude total-not_eligible total-continue total-eliminate total-remove total-needs_data total-error; do
    value=$(sed -n "s/.*id=\"$id\" data-value=\"\([0-9]*\)\".*/\1/p" "$dom" | head -n 1)
    printf '%-20s %s\n' "$id" "${value:-(missing)}"
done
