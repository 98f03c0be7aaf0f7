"""The preview server's own pages: Jinja templates and the style sheet.

Kept apart from the server (:mod:`i18nmail.preview_server`) and the
application (:mod:`i18nmail.preview`): a designer changes the look here
without reading any HTTP code. The pages use no script at all; their styles
come from ``/preview.css`` (the pages' Content-Security-Policy allows only
that). Autoescape is on: every value a page shows is escaped.
"""

from __future__ import annotations

import jinja2

__all__ = ["CSS", "FALLBACK_STYLE", "PAGES", "PAGE_ENV"]

#: Injected into the previewed email only: makes fallback sentences visible.
FALLBACK_STYLE = ('<style>mark.i18nmail-fallback{background:#ffe066;color:#1f2933;'
                  'outline:2px dashed #d9480f;outline-offset:1px}</style>')

PAGES = {
    "base": """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · i18nmail preview</title>
<link rel="stylesheet" href="/preview.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="top"><a class="home" href="/">i18nmail preview</a>
<span class="hint">re-reads catalogs and templates on every page load</span></header>
{% block content %}{% endblock %}
</body>
</html>
""",
    "error": """{% extends "base" %}{% block title %}{{ status }} {{ title }}{% endblock %}
{% block content %}<main class="error-page">
<h1>{{ status }} · {{ title }}</h1>
<p id="error-message" class="alert" role="alert">{{ message }}</p>
<p><a href="/">Back to all emails</a></p>
</main>{% endblock %}
""",
    "index": """{% extends "base" %}{% block title %}All emails{% endblock %}
{% block content %}<main>
<h1>All emails</h1>
<p class="lead">{{ rows|length }} scenarios × {{ locales|length }} locales. Each cell renders the
scenario's sample data; <mark class="legend">fallback</mark> means some sentences came from another
language.</p>
{% if problems %}<div class="alert" role="alert"><strong>Catalog problems</strong> (the last good
version stays in use):<ul>{% for p in problems %}<li><code>{{ p }}</code></li>{% endfor %}</ul></div>{% endif %}
<div class="matrix-wrap"><table class="matrix" id="matrix">
<thead><tr><th scope="col">Scenario</th>
{% for loc in locales %}<th scope="col" data-locale="{{ loc.tag }}"><a href="{{ loc.url }}">{{ loc.tag }}</a>
<span class="completion">{{ loc.completion }}</span></th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr data-scenario="{{ row.id }}"><th scope="row"><a href="{{ row.url }}">{{ row.id }}</a>
<span class="desc">{{ row.description }}</span></th>
{% for cell in row.cells %}<td class="cell {{ cell.status }}"><a href="{{ cell.url }}" title="{{ cell.detail }}"
data-locale="{{ cell.locale }}">{{ cell.label }}</a></td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
</main>{% endblock %}
""",
    "email": """{% extends "base" %}{% block title %}{{ scenario.id }} · {{ locale }}{% endblock %}
{% block content %}<div class="layout">
<nav class="scenarios" aria-label="Scenarios"><h2>Scenarios</h2><ul>
{% for s in scenarios %}<li><a href="{{ s.url }}"{% if s.current %} aria-current="page"{% endif %}>{{ s.id }}</a></li>
{% endfor %}</ul></nav>
<main>
<nav class="locales" id="locales" aria-label="Locales">{% for loc in locales %}
<a href="{{ loc.url }}" hreflang="{{ loc.tag }}" data-locale="{{ loc.tag }}"{% if loc.current %} aria-current="page"{% endif %}>{{ loc.tag }}</a>{% endfor %}
</nav>
<h1>{{ scenario.id }} <span class="tag">{{ locale }}</span></h1>
<p class="lead">{{ scenario.description }}</p>
{% if problems %}<div class="alert" role="alert" id="problems"><strong>Catalog problems</strong> (the last
good version stays in use):<ul>{% for p in problems %}<li><code>{{ p }}</code></li>{% endfor %}</ul></div>{% endif %}
<dl class="meta">
<dt>Subject</dt><dd id="subject" lang="{{ email.locale }}" dir="{{ email.direction }}">{{ email.subject }}</dd>
<dt>Preheader</dt><dd id="preheader" lang="{{ email.locale }}" dir="{{ email.direction }}">{{ email.preheader }}</dd>
<dt>Rendered as</dt><dd id="rendered-as">{{ email.locale }} · {{ email.direction }}</dd>
</dl>
<nav class="views" aria-label="Width">{% for v in views %}
<a href="{{ v.url }}"{% if v.current %} aria-current="page"{% endif %}>{{ v.label }}</a>{% endfor %}
</nav>
<div class="frames{% if compare %} compare{% endif %}">
{% for frame in frames %}<figure class="frame {{ frame.kind }}"><figcaption>{{ frame.caption }}</figcaption>
<iframe class="email {{ frame.kind }}" src="{{ frame.url }}" sandbox="" referrerpolicy="no-referrer"
title="{{ frame.caption }}"></iframe></figure>
{% endfor %}</div>
<section><h2>Plain text</h2><pre id="text" lang="{{ email.locale }}" dir="{{ email.direction }}">{{ email.text }}</pre></section>
<section><h2>Fallbacks</h2>
{% if email.fallbacks %}<ul id="fallbacks">{% for f in email.fallbacks %}<li class="fallback-{{ f.kind }}">{{ f }}</li>{% endfor %}</ul>
{% else %}<p id="fallbacks">None: every sentence comes from the {{ email.language }} catalog.</p>{% endif %}</section>
<section><h2>Sample context</h2><pre id="context">{{ context_json }}</pre></section>
</main></div>{% endblock %}
""",
}

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,"Noto Sans",sans-serif;color:#1f2933;background:#f8f9fa}
a{color:#1c5fb8}
.top{display:flex;gap:16px;align-items:baseline;padding:10px 20px;background:#1f2933;color:#fff}
.top a{color:#fff;font-weight:bold;text-decoration:none}.top .hint{color:#cbd2d9;font-size:13px}
main{padding:16px;min-width:0;flex:1}
h1 .tag{font-size:60%;background:#e4e7eb;border-radius:4px;padding:2px 6px;vertical-align:middle}
.lead{color:#52606d;max-width:70em}
.alert{background:#fff5f5;border:1px solid #e03131;border-radius:6px;padding:10px 14px;color:#a61e1e}
.layout{display:flex;align-items:flex-start}
.scenarios{width:200px;flex:none;padding:16px 4px 16px 16px;font-size:13px}
.scenarios h2{font-size:14px;margin:0 0 6px}.scenarios ul{list-style:none;margin:0;padding:0}
.scenarios a{display:block;padding:3px 6px;border-radius:4px;text-decoration:none;word-break:break-all}
a[aria-current]{background:#1c5fb8;color:#fff}
.locales,.views{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 8px}
.locales a,.views a{padding:3px 9px;border:1px solid #cbd2d9;border-radius:14px;text-decoration:none}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:12px 0}
.meta dt{font-weight:bold;color:#52606d}.meta dd{margin:0}
.frames{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}
.frames.compare{flex-wrap:nowrap;overflow-x:auto}
.frame{margin:0}.frame figcaption{font-size:13px;color:#52606d}
iframe.email{height:900px;border:1px solid #cbd2d9;background:#fff;display:block}
iframe.phone{width:377px}iframe.desktop{width:642px}
pre{white-space:pre-wrap;background:#fff;border:1px solid #e4e7eb;padding:12px;max-width:80em}
.matrix-wrap{overflow-x:auto}
.matrix{border-collapse:collapse;background:#fff;font-size:13px}
.matrix th,.matrix td{border:1px solid #e4e7eb;padding:4px 6px;text-align:start;vertical-align:top}
.matrix .desc{display:block;color:#7b8794;font-weight:normal;max-width:28em}
.matrix .completion{display:block;color:#7b8794;font-weight:normal}
.cell.ok{background:#ebfbee}.cell.fallback{background:#fff9db}.cell.error{background:#ffe3e3}
mark.legend{background:#fff9db}
"""

PAGE_ENV = jinja2.Environment(
    loader=jinja2.DictLoader(PAGES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
)
