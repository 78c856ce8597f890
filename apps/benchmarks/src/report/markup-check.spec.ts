// The well-formedness checker the report tests rely on must itself catch what it claims to.
import { elementsNamed, markupErrors } from './markup.test-helpers';

describe('markupErrors', () => {
  it('accepts well-formed SVG and HTML', () => {
    expect(markupErrors('<svg xmlns="http://www.w3.org/2000/svg"><g a="1" b=\'2\'><text>a &amp; b &#39; &#x27;</text><circle r="1"/></g></svg>', 'xml')).toEqual([]);
    expect(markupErrors('<!doctype html>\n<html><head><meta charset="utf-8"><style>a > b { }</style></head><body><br></body></html>', 'html')).toEqual([]);
  });

  it.each([
    ['an unclosed tag', '<svg><g></svg>'],
    ['a stray end tag', '<svg></g></svg>'],
    ['an unquoted attribute', '<svg width=10></svg>'],
    ['an attribute without a value', '<svg hidden></svg>'],
    ['a duplicate attribute', '<svg a="1" a="2"></svg>'],
    ['attributes without space between', '<svg a="1"b="2"></svg>'],
    ['a raw ampersand', '<svg><text>a & b</text></svg>'],
    ['a raw ampersand in an attribute', '<svg a="x&y"></svg>'],
    ['a raw < in an attribute', '<svg a="<"></svg>'],
    ['a raw <', '<svg><text>1 < 2</text></svg>'],
    ['two roots', '<svg></svg><svg></svg>'],
    ['text outside the root', 'hello<svg></svg>'],
  ])('rejects %s', (_, markup) => {
    expect(markupErrors(markup, 'xml')).not.toEqual([]);
  });

  it('rejects an unclosed non-void HTML element', () => {
    expect(markupErrors('<!doctype html><html><body><p>x</body></html>', 'html')).not.toEqual([]);
  });
});

describe('elementsNamed', () => {
  it('reads attributes with entities decoded, and ignores longer tag names', () => {
    expect(elementsNamed('<g><text x="1" data-label="a &amp; &quot;b&quot;">t</text><textPath x="2"/></g>', 'text')).toEqual([{ x: '1', 'data-label': 'a & "b"' }]);
  });
});
