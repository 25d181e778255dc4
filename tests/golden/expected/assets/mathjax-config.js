window.MathJax = {
  "tex": {
    "inlineMath": [
      [
        "\\(",
        "\\)"
      ]
    ],
    "displayMath": [
      [
        "\\[",
        "\\]"
      ]
    ],
    "processEscapes": false
  },
  "options": {
    "ignoreHtmlClass": "tex2jax_ignore",
    "processHtmlClass": "math"
  }
};
