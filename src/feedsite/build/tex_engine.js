// MathJax 3.2.2 at build time. Started by typeset.py, one process per core:
//   node tex_engine.js MODULES ES5_DIR
// MODULES is the folder of MathJax's modules compiled for ES2020 when feedsite was
// set up, or "-" for the es5 components of django-static-mathjax in ES5_DIR (the same
// MathJax, slower). It prints one JSON line {ready, version, base, font_base}, then
// answers each request line {tex, display} with one JSON line
// {html, mathml, text, wrappers, font, error}. CSS comes back per formula as rule
// strings, so Python can cache a formula and still build a page's stylesheet.
'use strict';
const readline = require('readline');

const MODULES = process.argv[2];
const ES5 = process.argv[3];
const FONT_URL = '%%FONTS%%';  // replaced by the site's font URL when a page is assembled
let texError = null;

// MathJax's modules, from either source; the same code typesets with both.
function loadModules() {
  if (MODULES !== '-') return new Promise((resolve) => resolve(compiledModules(MODULES)));
  return componentModules(ES5);
}

// MathJax 3.2.2's own TypeScript, compiled for ES2020 when feedsite was set up
// (`make`). It typesets the same formulas to the same bytes as the es5 components,
// a third or more faster: the es5 build runs every for-of loop, spread and class
// through helper functions that V8 cannot optimise as it does the native ones.
function compiledModules(root) {
  const load = (path) => require(root + '/' + path + '.js');
  return {
    mathjax: load('mathjax').mathjax,
    TeX: load('input/tex').TeX,
    AllPackages: load('input/tex/AllPackages').AllPackages,
    CHTML: load('output/chtml').CHTML,
    TeXFont: load('output/chtml/fonts/tex').TeXFont,
    CHTMLmtable: load('output/chtml/Wrappers/mtable').CHTMLmtable,
    liteAdaptor: load('adaptors/liteAdaptor').liteAdaptor,
    RegisterHTMLHandler: load('handlers/html').RegisterHTMLHandler,
    AssistiveMmlHandler: load('a11y/assistive-mml').AssistiveMmlHandler,
    SafeHandler: load('ui/safe/SafeHandler').SafeHandler,
    CssStyles: load('util/StyleList').CssStyles,
  };
}

// The es5 components the site used to ship (django-static-mathjax's es5/), loaded
// but not started: they fill MathJax._ with the same modules, and the document is
// made below exactly as for the compiled ones.
function componentModules(es5) {
  return new Promise((resolve, reject) => {
    global.MathJax = {
      loader: {
        require: require,
        paths: {mathjax: es5},
        load: ['adaptors/liteDOM', 'input/tex-full', 'output/chtml', 'a11y/assistive-mml', 'ui/safe'],
        failed: reject,
      },
      startup: {typeset: false, ready: () => resolve(MathJax._)},
    };
    require(es5 + '/startup.js');
  }).then((_) => ({
    mathjax: _.mathjax.mathjax,
    TeX: _.input.tex_ts.TeX,
    AllPackages: _.input.tex.AllPackages.AllPackages,
    CHTML: _.output.chtml_ts.CHTML,
    TeXFont: _.output.chtml.fonts.tex_ts.TeXFont,
    CHTMLmtable: _.output.chtml.Wrappers.mtable.CHTMLmtable,
    liteAdaptor: _.adaptors.liteAdaptor.liteAdaptor,
    RegisterHTMLHandler: _.handlers.html_ts.RegisterHTMLHandler,
    AssistiveMmlHandler: _.a11y['assistive-mml'].AssistiveMmlHandler,
    SafeHandler: _.ui.safe.SafeHandler.SafeHandler,
    CssStyles: _.util.StyleList.CssStyles,
  }));
}

function makeDocument(m) {
  const adaptor = m.liteAdaptor();
  m.SafeHandler(m.AssistiveMmlHandler(m.RegisterHTMLHandler(adaptor)));
  patchLabelledRows(m.CHTMLmtable);
  const tex = new m.TeX({
    // Every package is loaded up front (no autoload at build time), except the
    // two that hide mistakes: a misspelt macro must be an error, not red text.
    packages: m.AllPackages.filter((name) => name !== 'noerrors' && name !== 'noundefined'),
    formatError(jax, err) {
      texError = err.message;
      return jax.formatError(err);
    },
  });
  // The font is made here, not by CHTML: the es5 output component comes without one.
  const chtml = new m.CHTML({font: new m.TeXFont({fontURL: FONT_URL}), adaptiveCSS: true});
  const doc = m.mathjax.document('', {
    InputJax: tex,
    OutputJax: chtml,
    // Formulas come from outside feeds: \href, \style, \class and \cssId must not
    // smuggle a javascript: link or a request to another host into the page.
    safeOptions: {
      allow: {URLs: 'safe', classes: 'safe', cssIDs: 'safe', styles: 'safe'},
      safeProtocols: {http: true, https: true, file: false, javascript: false, data: false},
    },
  });
  return {adaptor, doc, chtml};
}

// liteDOM trap: a \tag row's height is computed with rLines[i] for the last row,
// which does not exist (there is one line between each pair of rows), so it comes
// out as "height: NaNem". A browser drops that declaration; liteDOM writes it out.
// No line below the last row means a line of width 0: pad rLines so the row gets
// the height MathJax meant, the same height its label row is given.
function patchLabelledRows(CHTMLmtable) {
  const update = CHTMLmtable.prototype.updateRowHeights;
  CHTMLmtable.prototype.updateRowHeights = function () {
    while (this.rLines.length < this.numRows) this.rLines.push(0);
    return update.call(this);
  };
}

loadModules().then((m) => {
  const {adaptor, doc, chtml} = makeDocument(m);
  const CssStyles = m.CssStyles;

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
    const node = doc.convert(tex, {display});
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
  send({ready: true, version: m.mathjax.version, base: base.getStyleRules(), font_base: fontBaseRules});
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
