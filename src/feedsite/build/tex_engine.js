// MathJax 3 at build time. Started once per build by typeset.py:
//   node tex_engine.js ES5_DIR
// It loads the same MathJax the site used to ship (django-static-mathjax's es5/)
// with the liteDOM adaptor, prints one JSON line {ready, version, base, font_base},
// then answers each request line {tex, display} with one JSON line
// {html, mathml, text, wrappers, font, error}. CSS comes back per formula as rule
// strings, so Python can cache a formula and still build a page's stylesheet.
'use strict';
const readline = require('readline');

const ES5 = process.argv[2];
const FONT_URL = '%%FONTS%%';  // replaced by the site's font URL when a page is assembled
let texError = null;

global.MathJax = {
  loader: {
    require: require,
    paths: {mathjax: ES5},
    load: ['adaptors/liteDOM', 'input/tex-full', 'output/chtml', 'a11y/assistive-mml', 'ui/safe'],
  },
  tex: {
    // Every package is loaded up front (no autoload at build time), except the
    // two that hide mistakes: a misspelt macro must be an error, not red text.
    packages: {'[-]': ['noerrors', 'noundefined']},
    formatError(jax, err) {
      texError = err.message;
      return jax.formatError(err);
    },
  },
  chtml: {fontURL: FONT_URL, adaptiveCSS: true},
  options: {
    // Formulas come from outside feeds: \href, \style, \class and \cssId must not
    // smuggle a javascript: link or a request to another host into the page.
    safeOptions: {
      allow: {URLs: 'safe', classes: 'safe', cssIDs: 'safe', styles: 'safe'},
      safeProtocols: {http: true, https: true, file: false, javascript: false, data: false},
    },
  },
  startup: {
    typeset: false,
    ready() {
      // ui/safe only installs itself when `window` exists; install it here.
      MathJax.startup.extendHandler((handler) => MathJax._.ui.safe.SafeHandler.SafeHandler(handler));
      patchLabelledRows();
      MathJax.startup.defaultReady();
    },
  },
};

// liteDOM trap: a \tag row's height is computed with rLines[i] for the last row,
// which does not exist (there is one line between each pair of rows), so it comes
// out as "height: NaNem". A browser drops that declaration; liteDOM writes it out.
// No line below the last row means a line of width 0: pad rLines so the row gets
// the height MathJax meant, the same height its label row is given.
function patchLabelledRows() {
  const CHTMLmtable = MathJax._.output.chtml.Wrappers.mtable.CHTMLmtable;
  const update = CHTMLmtable.prototype.updateRowHeights;
  CHTMLmtable.prototype.updateRowHeights = function () {
    while (this.rLines.length < this.numRows) this.rLines.push(0);
    return update.call(this);
  };
}

require(ES5 + '/startup.js');

MathJax.startup.promise.then(() => {
  const adaptor = MathJax.startup.adaptor;
  const doc = MathJax.startup.document;
  const chtml = MathJax.startup.output;
  const CssStyles = MathJax._.util.StyleList.CssStyles;

  // Styles every formula needs whatever it holds, sent once: the common rules,
  // and the font rules (variant classes, @font-face) that come before any glyph's.
  const base = new CssStyles();
  base.addStyles(chtml.constructor.commonStyles);
  for (const styles of doc.getStyles()) base.addStyles(styles);
  chtml.clearCache();
  const fontBase = new CssStyles();
  chtml.addFontStyles(fontBase);
  const fontBaseRules = fontBase.getStyleRules();
  const known = new Set(fontBaseRules);

  function typeset(tex, display) {
    texError = null;
    chtml.clearCache();  // so the CSS below is this formula's alone
    const node = MathJax.tex2chtml(tex, {display});
    const wrappers = new CssStyles();
    chtml.addWrapperStyles(wrappers);
    const font = new CssStyles();
    chtml.addFontStyles(font);
    const mml = adaptor.tags(node, 'mjx-assistive-mml')[0];
    const merror = adaptor.tags(node, 'mjx-merror')[0];
    let error = texError;
    if (!error && merror) error = adaptor.getAttribute(merror, 'data-mjx-error') || 'MathJax error';
    const html = adaptor.outerHTML(node);
    if (!error && html.includes('NaN')) error = 'MathJax gave this formula an invalid size (NaN)';
    return {
      html,
      mathml: mml ? adaptor.innerHTML(mml) : '',
      text: mml ? adaptor.textContent(mml) : '',
      wrappers: wrappers.getStyleRules(),
      font: font.getStyleRules().filter((rule) => !known.has(rule)),
      error,
    };
  }

  const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  send({ready: true, version: MathJax.version, base: base.getStyleRules(), font_base: fontBaseRules});
  const lines = readline.createInterface({input: process.stdin, terminal: false});
  lines.on('line', (line) => {
    let answer;
    try {
      const {tex, display} = JSON.parse(line);
      answer = typeset(tex, Boolean(display));
    } catch (err) {
      answer = {error: 'internal: ' + (err && err.message ? err.message : String(err))};
    }
    send(answer);
  });
}).catch((err) => {
  process.stderr.write('MathJax failed to start: ' + (err && err.stack ? err.stack : err) + '\n');
  process.exit(3);
});
