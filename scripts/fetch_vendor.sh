#!/usr/bin/env bash
# Fetch the JavaScript the website serves itself (MathJax, require.js, the ipywidgets
# html-manager) from the npm registry at pinned versions, into _extra/vendor/, which
# Sphinx copies to _build/html/vendor/ (html_extra_path). Nothing here is committed.
set -euo pipefail
MATHJAX=3.2.2
REQUIREJS=2.3.7
HTML_MANAGER=1.0.15

dest=_extra/vendor
stamp="$dest/.versions"
want="mathjax@$MATHJAX requirejs@$REQUIREJS html-manager@$HTML_MANAGER"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent --loglevel=error \
  "mathjax@$MATHJAX" "requirejs@$REQUIREJS" "@jupyter-widgets/html-manager@$HTML_MANAGER" >/dev/null)
rm -rf "$dest"
mkdir -p "$dest/mathjax" "$dest/requirejs" "$dest/html-manager"
for pkg in "$tmp"/*.tgz; do
  name=$(basename "$pkg" .tgz)
  mkdir -p "$tmp/$name" && tar xzf "$pkg" -C "$tmp/$name"
done
cp -r "$tmp"/mathjax-*/package/es5/. "$dest/mathjax/"
cp "$tmp"/requirejs-*/package/require.js "$dest/requirejs/require.js"
cp -r "$tmp"/jupyter-widgets-html-manager-*/package/dist/. "$dest/html-manager/"
# Only the AMD embedder (and the fonts it references) is used by the pages.
rm -f "$dest"/html-manager/*.map "$dest"/html-manager/embed.js "$dest"/html-manager/embed.js.LICENSE.txt
# The embedder's stylesheet asks for its icon fonts relative to the page, at
# @jupyter-widgets/html-manager/dist/; every notebook page lives in chapters/.
fonts="_extra/chapters/@jupyter-widgets/html-manager/dist"
rm -rf _extra/chapters && mkdir -p "$fonts"
cp "$dest"/html-manager/*.woff2 "$dest"/html-manager/*.woff "$dest"/html-manager/*.ttf \
   "$dest"/html-manager/*.eot "$dest"/html-manager/*.svg "$fonts/"
echo "$want" > "$stamp"
echo "vendored $want into $dest"
