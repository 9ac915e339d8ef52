#!/bin/sh
# Stand-in for symusic's abcMIDI tools (midi2abc / abc2midi, GPL-2.0) in the standalone app:
# symusic only checks at import that these files exist, and MGU-V Studio never converts ABC.
echo "$(basename "$0"): ABC conversion is not included in MGU-V Studio's standalone app" >&2
exit 1
