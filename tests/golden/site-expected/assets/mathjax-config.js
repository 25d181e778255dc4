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
    "processHtmlClass": "math",
    "safeOptions": {
      "allow": {
        "URLs": "safe",
        "classes": "safe",
        "cssIDs": "safe",
        "styles": "safe"
      },
      "safeProtocols": {
        "http": true,
        "https": true,
        "file": false,
        "javascript": false,
        "data": false
      }
    }
  },
  "loader": {
    "load": [
      "ui/safe"
    ]
  }
};
