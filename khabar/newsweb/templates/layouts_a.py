"""Page layouts, part 1: div soup, HTML5 article, old table layout, schema.org microdata."""

from __future__ import annotations

from khabar.newsweb.corpus import CATEGORIES
from khabar.newsweb.templates.common import (
    PageContext,
    ad_block,
    esc,
    fake_comments,
    head,
    iso,
    lead_section,
    link_list,
    nav_items,
    page,
    paragraphs_html,
    share_links,
    tags_html,
)


class Layout:
    """A template family. Subclasses give the chrome and the two main blocks."""

    name = "base"

    def article(self, ctx: PageContext) -> str:
        pub = ctx.pub
        assert pub is not None
        h = head(ctx, f"{pub.title} - {ctx.spec.name}", pub.lead, "article")
        return page(ctx, h, self.chrome(ctx, self.article_main(ctx)), f"{ctx.spec.css}-news-page")

    def listing(self, ctx: PageContext) -> str:
        title = ctx.spec.name + (f" - {ctx.cat_label}" if ctx.section else f" | {ctx.spec.tagline}")
        h = head(ctx, title, ctx.spec.tagline)
        lead = self.lead_block(ctx) if ctx.lead else ""
        return page(ctx, h, self.chrome(ctx, lead + self.listing_main(ctx)), f"{ctx.spec.css}-home")

    def lead_block(self, ctx: PageContext) -> str:
        """The homepage's lead slots (``ctx.lead``, most prominent first). By default explicitly marked
        (``data-slot="lead"``); most layouts override it with what real homepages do instead."""
        return lead_section(ctx)

    def simple(self, ctx: PageContext, title: str, text: str) -> str:
        main = f'<div class="{ctx.spec.css}-static"><h1>{esc(title)}</h1><p>{esc(text)}</p></div>'
        return page(ctx, head(ctx, f"{title} - {ctx.spec.name}"), self.chrome(ctx, main))

    def chrome(self, ctx: PageContext, main: str) -> str:
        raise NotImplementedError

    def article_main(self, ctx: PageContext) -> str:
        raise NotImplementedError

    def listing_main(self, ctx: PageContext) -> str:
        raise NotImplementedError

    @staticmethod
    def footer_text(ctx: PageContext) -> str:
        return f"کلیه حقوق این سایت متعلق به {ctx.spec.name} است. استفاده از مطالب با ذکر منبع بلامانع است."


class DivSoup(Layout):
    """Nested divs with prefixed class names, two columns, box widgets."""

    name = "divsoup"

    def chrome(self, ctx: PageContext, main: str) -> str:
        c, s = ctx.spec.css, ctx.spec
        nav = "".join(f'<li><a href="{esc(u)}">{esc(lbl)}</a></li>' for lbl, u in nav_items(ctx))
        today = ctx.dateline(ctx.now) if ctx.now else ""
        return f"""<div id="{c}-wrapper">
<div class="{c}-topbar"><div class="{c}-today">{esc(today)}</div><div class="{c}-toplinks"><a href="/contact">تماس با ما</a> | <a href="/">آرشیو</a></div></div>
<div class="{c}-header"><div class="{c}-logo"><a href="/"><img src="/static/logo.png" alt="{esc(s.name)}"><span class="{c}-logo-text">{esc(s.name)}</span></a><div class="{c}-slogan">{esc(s.tagline)}</div></div>{ad_block(ctx, 1)}</div>
<div class="{c}-menu"><ul>{nav}</ul></div>
<div class="{c}-container"><div class="{c}-right-col">
{main}
</div>
<div class="{c}-left-col"><div class="{c}-box"><div class="{c}-box-title">آخرین اخبار</div>{link_list(ctx.latest, c + "-latest", ctx)}</div>{ad_block(ctx, 3)}</div>
</div>
<div class="{c}-footer"><div class="{c}-footer-links"><a href="/contact">درباره ما</a> - <a href="/contact">تبلیغات</a> - <a href="/robots.txt">نقشه سایت</a></div><div class="{c}-copyright">{esc(self.footer_text(ctx))}</div></div>
</div>"""

    def article_main(self, ctx: PageContext) -> str:
        c, s, pub = ctx.spec.css, ctx.spec, ctx.pub
        assert pub is not None
        comments = "".join(
            f'<div class="{c}-cm-item"><div class="{c}-cm-name">{esc(n)}</div><div class="{c}-cm-text">{esc(t)}</div>'
            f'<div class="{c}-cm-like">{likes} 👍</div></div>'
            for n, t, likes in fake_comments(pub, s.comments)
        )
        return f"""<div class="{c}-breadcrumb"><a href="/">{esc(s.name)}</a> &gt; <a href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a> &gt; <span>{esc(pub.title)}</span></div>
<div class="{c}-news-box">
<div class="{c}-news-meta"><span class="{c}-news-code">کد خبر: {pub.item_id}</span> <span class="{c}-news-date">{esc(ctx.dateline())}</span></div>
<div class="{c}-news-title"><h1>{esc(pub.title)}</h1></div>
<div class="{c}-news-lead">{esc(pub.lead)}</div>
<div class="{c}-news-image"><img src="{esc(ctx.image)}" alt="{esc(pub.title)}"></div>
<div class="{c}-news-body">
{paragraphs_html(pub)}
</div>
{ad_block(ctx, 2)}
{tags_html(ctx, c + "-tags")}
{share_links(ctx, c + "-share")}
</div>
<div class="{c}-related"><div class="{c}-box-title">اخبار مرتبط</div>{link_list(ctx.related, c + "-related-list")}</div>
<div class="{c}-comments" id="comments"><div class="{c}-box-title">نظرات کاربران</div>{comments}</div>"""

    def listing_main(self, ctx: PageContext) -> str:
        c = ctx.spec.css
        rows = "".join(
            f'<div class="{c}-item"><div class="{c}-item-title"><a href="{esc(lk.href)}">{esc(lk.title)}</a></div>'
            f'<div class="{c}-item-lead">{esc(lk.lead)}</div><span class="{c}-item-date">{esc(ctx.dateline(lk.published))}</span></div>'
            for lk in ctx.items
        )
        return f'<div class="{c}-news-list"><div class="{c}-box-title">{esc(ctx.cat_label or "تازه‌ترین اخبار")}</div>{rows}</div>'

    def lead_block(self, ctx: PageContext) -> str:
        """Iranian news CMS style: ``first_box`` blocks of a ``first_level_container``, image and h2."""
        c = ctx.spec.css
        boxes = "".join(
            f'<div class="first_box col-lg-{18 if n == 0 else 6}"><a href="{esc(lk.href)}"><img src="{esc(lk.image)}" '
            f'alt="{esc(lk.title)}"></a><h2 class="first-title-inner"><a href="{esc(lk.href)}">{esc(lk.title)}</a></h2>'
            f'<div class="{c}-first-lead">{esc(lk.lead)}</div></div>'
            for n, lk in enumerate(ctx.lead)
        )
        return f'<div class="first_level_container">{boxes}</div>\n'


class Html5(Layout):
    """Semantic HTML5: header/nav/main/article/aside/footer."""

    name = "html5"

    def chrome(self, ctx: PageContext, main: str) -> str:
        s = ctx.spec
        nav = "".join(f'<li><a href="{esc(u)}">{esc(lbl)}</a></li>' for lbl, u in nav_items(ctx))
        return f"""<header class="site-header"><div class="brand"><a href="/" class="logo">{esc(s.name)}</a><p class="tagline">{esc(s.tagline)}</p></div>
<nav class="main-nav" aria-label="منوی اصلی"><ul>{nav}</ul></nav></header>
<main id="content">
{main}
</main>
<aside class="sidebar"><section class="widget widget-latest"><h3>تازه‌ها</h3>{link_list(ctx.latest, "widget-list", ctx, "ol")}</section></aside>
<footer class="site-footer"><nav class="footer-nav"><a href="/contact">درباره ما</a> <a href="/contact">تماس</a>{ctx.feed_link()}</nav><p>© {esc(self.footer_text(ctx))}</p></footer>"""

    def article_main(self, ctx: PageContext) -> str:
        pub = ctx.pub
        assert pub is not None
        comments = "".join(
            f'<li class="comment"><div class="comment-author">{esc(n)}</div><p class="comment-text">{esc(t)}</p></li>'
            for n, t, _ in fake_comments(pub, ctx.spec.comments)
        )
        return f"""<nav class="breadcrumbs" aria-label="breadcrumb"><ol><li><a href="/">خانه</a></li><li><a href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a></li></ol></nav>
<article class="post">
<header class="post-header"><span class="kicker">{esc(ctx.cat_label)}</span><h1 class="post-title">{esc(pub.title)}</h1><time class="post-date">{esc(ctx.dateline())}</time></header>
<p class="post-summary">{esc(pub.lead)}</p>
<figure class="post-image"><img src="{esc(ctx.image)}" alt="{esc(pub.title)}"><figcaption>عکس: آرشیو</figcaption></figure>
<div class="post-content">
{paragraphs_html(pub)}
</div>
<footer class="post-footer">{tags_html(ctx, "post-tags")}{share_links(ctx, "share")}</footer>
</article>
<aside class="related-posts"><h2>بیشتر بخوانید</h2>{link_list(ctx.related, "related-list")}</aside>
<section class="comments" id="comments"><h2>نظرات خوانندگان</h2><ol class="comment-list">{comments}</ol>
<form class="comment-form" action="/comment" method="post"><textarea name="body" placeholder="نظر شما"></textarea><button type="submit">ارسال</button></form></section>"""

    def listing_main(self, ctx: PageContext) -> str:
        cards = "".join(
            f'<article class="card"><h2 class="card-title"><a href="{esc(lk.href)}">{esc(lk.title)}</a></h2>'
            f'<p class="card-summary">{esc(lk.lead)}</p><time>{esc(ctx.dateline(lk.published))}</time></article>'
            for lk in ctx.items
        )
        return f'<section class="latest"><h1>{esc(ctx.cat_label or "آخرین خبرها")}</h1>{cards}</section>'

    def lead_block(self, ctx: PageContext) -> str:
        """A hero block: the lead's h1 over a picture, the next slots beside it with h2 headlines."""
        main, *side = ctx.lead
        items = "".join(
            f'<article class="hero-side-item"><a href="{esc(lk.href)}"><img src="{esc(lk.image)}" alt=""></a>'
            f'<h2><a href="{esc(lk.href)}">{esc(lk.title)}</a></h2></article>'
            for lk in side
        )
        return (
            f'<section class="hero"><article class="hero-main"><a href="{esc(main.href)}"><img src="{esc(main.image)}" '
            f'alt="{esc(main.title)}"></a><h1 class="hero-title"><a href="{esc(main.href)}">{esc(main.title)}</a></h1>'
            f'<p class="hero-summary">{esc(main.lead)}</p></article><div class="hero-side">{items}</div></section>\n'
        )


class TableLayout(Layout):
    """Old-school nested table layout with titr/lead/matn cells."""

    name = "table"

    def chrome(self, ctx: PageContext, main: str) -> str:
        c, s = ctx.spec.css, ctx.spec
        nav = " | ".join(f'<a href="{esc(u)}" class="{c}-menu-link">{esc(lbl)}</a>' for lbl, u in nav_items(ctx))
        sections = "".join(
            f'<tr><td class="{c}-sec"><a href="{esc(ctx.section_url(cat))}">» {esc(CATEGORIES[cat])}</a></td></tr>'
            for cat in s.categories
        )
        latest = "".join(
            f'<tr><td class="{c}-latest"><a href="{esc(lk.href)}">{esc(lk.title)}</a></td></tr>' for lk in ctx.latest
        )
        return f"""<table width="100%" border="0" cellspacing="0" cellpadding="0" class="{c}-main">
<tr><td colspan="3" class="{c}-header"><table width="100%"><tr><td class="{c}-logo"><a href="/"><font size="6" color="{s.color}">{esc(s.name)}</font></a><br><font size="2">{esc(s.tagline)}</font></td><td class="{c}-banner">{ad_block(ctx, 1)}</td></tr></table></td></tr>
<tr><td colspan="3" class="{c}-menu" bgcolor="{s.color}">{nav}</td></tr>
<tr><td width="18%" valign="top" class="{c}-right"><table width="100%" cellpadding="3"><tr><td class="{c}-box-head"><b>سرویس‌ها</b></td></tr>{sections}</table></td>
<td width="57%" valign="top" class="{c}-center">
{main}
</td>
<td width="25%" valign="top" class="{c}-left"><table width="100%" cellpadding="3"><tr><td class="{c}-box-head"><b>آخرین اخبار</b></td></tr>{latest}</table>{ad_block(ctx, 3)}</td></tr>
<tr><td colspan="3" class="{c}-footer" align="center"><font size="1">{esc(self.footer_text(ctx))} | طراحی و اجرا: گروه نرم‌افزاری پارس‌وب</font></td></tr>
</table>"""

    def article_main(self, ctx: PageContext) -> str:
        c, pub = ctx.spec.css, ctx.pub
        assert pub is not None
        nazar = "".join(
            f'<tr><td class="{c}-nazar-name"><b>{esc(n)}</b>:</td><td class="{c}-nazar-matn">{esc(t)}</td></tr>'
            for n, t, _ in fake_comments(pub, ctx.spec.comments)
        )
        related = "".join(
            f'<tr><td class="{c}-rel">• <a href="{esc(lk.href)}">{esc(lk.title)}</a></td></tr>' for lk in ctx.related
        )
        return f"""<table width="100%" cellpadding="4" class="{c}-news">
<tr><td class="{c}-path">مسیر: <a href="/">خانه</a> » <a href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a></td></tr>
<tr><td class="{c}-date"><font size="2" color="#777">{esc(ctx.dateline())} &nbsp; شماره خبر: {pub.item_id}</font></td></tr>
<tr><td class="{c}-titr"><h1><font color="{ctx.spec.color}">{esc(pub.title)}</font></h1></td></tr>
<tr><td class="{c}-lead"><b>{esc(pub.lead)}</b></td></tr>
<tr><td class="{c}-image" align="center"><img src="{esc(ctx.image)}" width="400" alt=""></td></tr>
<tr><td class="{c}-matn" align="justify">
{paragraphs_html(pub)}
</td></tr>
<tr><td class="{c}-print"><a href="/contact">نسخه چاپی</a> | <a href="/contact">ارسال به دوستان</a></td></tr>
</table>
<table width="100%" class="{c}-rel-table"><tr><td class="{c}-box-head"><b>اخبار مرتبط</b></td></tr>{related}</table>
<table width="100%" class="{c}-nazar"><tr><td colspan="2" class="{c}-box-head"><b>نظرات بینندگان</b></td></tr>{nazar}</table>"""

    def listing_main(self, ctx: PageContext) -> str:
        c = ctx.spec.css
        rows = "".join(
            f'<tr><td class="{c}-list-titr"><a href="{esc(lk.href)}"><b>{esc(lk.title)}</b></a><br>'
            f'<font size="2">{esc(lk.lead)}</font></td><td class="{c}-list-date" nowrap>{esc(ctx.dateline(lk.published))}</td></tr>'
            for lk in ctx.items
        )
        return f'<table width="100%" cellpadding="4" class="{c}-list"><tr><td colspan="2" class="{c}-box-head"><b>{esc(ctx.cat_label or "اخبار روز")}</b></td></tr>{rows}</table>'


class Microdata(Layout):
    """<section itemscope itemtype=NewsArticle> with itemprop headline/description/articleBody."""

    name = "itemprop"

    def chrome(self, ctx: PageContext, main: str) -> str:
        c, s = ctx.spec.css, ctx.spec
        nav = "".join(f'<a class="{c}-nav-item" href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in nav_items(ctx))
        return f"""<div class="{c}-page">
<header class="{c}-masthead"><a class="{c}-brand" href="/">{esc(s.name)}</a><span class="{c}-motto">{esc(s.tagline)}</span>
<form class="{c}-search" action="/search"><input type="search" name="q" placeholder="جستجو..."></form></header>
<div class="{c}-nav" role="navigation">{nav}</div>
<div class="{c}-grid">
{main}
<div class="{c}-rail"><h3 class="{c}-rail-title">پربیننده‌ترین</h3>{link_list(ctx.latest, c + "-rail-list", None, "ol")}</div>
</div>
<footer class="{c}-foot"><p>{esc(self.footer_text(ctx))}</p><p>نشانی: تهران، خیابان آزادی، پلاک ۱۲ - تلفن: ۰۲۱-۸۸۰۰۰۰۰۰</p></footer>
</div>"""

    def article_main(self, ctx: PageContext) -> str:
        c, s, pub = ctx.spec.css, ctx.spec, ctx.pub
        assert pub is not None and ctx.published is not None
        crumbs = (
            f'<ol class="{c}-crumbs" itemscope itemtype="https://schema.org/BreadcrumbList">'
            f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="{esc(ctx.base)}/"><span itemprop="name">خانه</span></a><meta itemprop="position" content="1"></li>'
            f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="{esc(ctx.section_url(pub.category))}"><span itemprop="name">{esc(ctx.cat_label)}</span></a><meta itemprop="position" content="2"></li></ol>'
        )
        fb = "".join(
            f'<blockquote class="{c}-fb-item"><cite>{esc(n)}</cite><p>{esc(t)}</p></blockquote>'
            for n, t, _ in fake_comments(pub, s.comments)
        )
        return f"""<div class="{c}-col">
{crumbs}
<section class="{c}-story" itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="image" content="{esc(ctx.image)}"><meta itemprop="mainEntityOfPage" content="{esc(ctx.url)}">
<div class="{c}-story-head"><span class="{c}-section-name">{esc(ctx.cat_label)}</span>
<h1 itemprop="headline">{esc(pub.title)}</h1>
<div class="{c}-byline"><span itemprop="author" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">{esc(s.name)}</span></span> | <time itemprop="datePublished" datetime="{iso(ctx.published, s.tehran_offset)}">{esc(ctx.dateline())}</time></div></div>
<div class="{c}-summary" itemprop="description">{esc(pub.lead)}</div>
<img class="{c}-photo" src="{esc(ctx.image)}" alt="">
<div class="{c}-story-body" itemprop="articleBody">
{paragraphs_html(pub)}
</div>
<div itemprop="publisher" itemscope itemtype="https://schema.org/Organization"><meta itemprop="name" content="{esc(s.name)}"></div>
{tags_html(ctx, c + "-keywords", "کلیدواژه‌ها:")}
</section>
{share_links(ctx, c + "-social")}
<section class="{c}-more"><h2>از همین سرویس</h2>{link_list(ctx.related, c + "-more-list")}</section>
<section class="{c}-feedback"><h2>دیدگاه‌ها</h2>{fb}</section>
</div>"""

    def listing_main(self, ctx: PageContext) -> str:
        c = ctx.spec.css
        rows = "".join(
            f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem" class="{c}-li">'
            f'<a itemprop="url" href="{esc(lk.href)}"><span itemprop="name">{esc(lk.title)}</span></a>'
            f"<p>{esc(lk.lead)}</p></li>"
            for lk in ctx.items
        )
        return (
            f'<div class="{c}-col"><h1>{esc(ctx.cat_label or "صفحه اول")}</h1>'
            f'<ul class="{c}-stream" itemscope itemtype="https://schema.org/ItemList">{rows}</ul></div>'
        )
