#!/usr/bin/env bash
# Install Debian's LibreOffice Calc (the tests write and open spreadsheets with it) and the
# fonts the PDF documents use, when they are missing.
set -u
need=""
# Calc writes and opens the spreadsheets, Draw opens the PDF documents.
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-calc"
[ -e /usr/lib/libreoffice/program/libsdlo.so ] || need="$need libreoffice-draw"
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || need="$need fonts-dejavu-core"
# WeasyPrint lays the PDF documents out with Pango.
ldconfig -p 2>/dev/null | grep -q "libpango-1.0" || need="$need libpango-1.0-0 libpangoft2-1.0-0"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing$need for the spreadsheet and document tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null) \
    || echo "Could not install$need; the LibreOffice tests will be skipped" >&2
else
  echo "$need missing and cannot be installed here; the LibreOffice tests will be skipped" >&2
fi
exit 0
