"""Page layouts, part 2: magazine with in-text boxes, sports portal, ASP.NET WebForms."""

from __future__ import annotations

import random

from khabar.newsweb.templates.common import (
    PageContext,
    ad_block,
    esc,
    fake_comments,
    link_list,
    nav_items,
    share_links,
    tags_html,
)
from khabar.newsweb.templates.layouts_a import Layout


class Magazine(Layout):
    """Hero image, ticker, body interleaved with "read more" boxes and ads."""

    name = "magazine"

    def chrome(self, ctx: PageContext, main: str) -> str:
        c, s = ctx.spec.css, ctx.spec
        nav = "".join(f'<li class="menu-item"><a href="{esc(u)}">{esc(lbl)}</a></li>' for lbl, u in nav_items(ctx))
        ticker = "".join(f'<a href="{esc(lk.href)}">{esc(lk.title)}</a>' for lk in ctx.latest[:5])
        return f"""<div class="site {c}-site">
<div class="ticker"><span class="ticker-label">فوری</span><div class="ticker-items">{ticker}</div></div>
<header class="masthead"><div class="container"><a class="brand" href="/"><img src="/static/logo.png" alt=""> {esc(s.name)}</a><span class="brand-sub">{esc(s.tagline)}</span></div>
<nav class="navbar"><ul class="menu">{nav}</ul></nav></header>
<div class="container"><div class="row">
<div class="col-main">
{main}
</div>
<div class="col-side"><div class="most-viewed"><h4>پربازدیدترین‌ها</h4>{link_list(ctx.latest, "mv-list", None, "ol")}</div>
{ad_block(ctx, 3)}
<div class="newsletter"><h4>خبرنامه</h4><form action="/newsletter" method="post"><input type="email" name="email" placeholder="ایمیل شما"><button>عضویت</button></form></div></div>
</div></div>
<footer class="site-footer"><div class="container"><div class="footer-about">{esc(s.name)}؛ {esc(s.tagline)}</div><div class="footer-copy">{esc(self.footer_text(ctx))}</div></div></footer>
</div>"""

    def article_main(self, ctx: PageContext) -> str:
        pub = ctx.pub
        assert pub is not None
        minutes = max(1, len(pub.body.split()) // 200)
        blocks: list[str] = []
        related = list(ctx.related)
        for i, p in enumerate(pub.paragraphs, 1):
            blocks.append(f"<p>{esc(p)}</p>")
            if i % 3 == 0 and i < len(pub.paragraphs):
                if related:
                    lk = related.pop(0)
                    blocks.append(
                        f'<div class="read-more-box"><span>بیشتر بخوانید:</span> <a href="{esc(lk.href)}">{esc(lk.title)}</a></div>'
                    )
                elif ctx.spec.ads:
                    blocks.append(ad_block(ctx, 10 + i))
        if ctx.spec.ads and len(pub.paragraphs) >= 2:
            blocks.insert(
                2,
                '<div class="inline-ad"><a href="/ads/click?slot=2" rel="sponsored">'
                "آگهی: بلیط ارزان سفرهای نوروزی را همین حالا رزرو کنید</a></div>",
            )
        comments = "".join(
            f'<div class="comment-box"><strong>{esc(n)}</strong><p>{esc(t)}</p></div>'
            for n, t, _ in fake_comments(pub, ctx.spec.comments)
        )
        text = "\n".join(blocks)
        return f"""<div class="story-hero"><img src="{esc(ctx.image)}" alt="{esc(pub.title)}"><div class="hero-caption">
<a class="category-badge" href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a>
<h1 class="story-title">{esc(pub.title)}</h1><div class="story-meta">{esc(ctx.dateline())} · زمان مطالعه: {minutes} دقیقه</div></div></div>
<div class="story-lede"><p>{esc(pub.lead)}</p></div>
<div class="story-text">
{text}
</div>
{tags_html(ctx, "story-tags")}
{share_links(ctx, "story-share")}
<div class="also-read"><h3>پیشنهاد سردبیر</h3>{link_list(related, "also-list")}</div>
<div class="comments-area" id="comments"><h3>دیدگاه شما</h3>{comments}</div>"""

    def listing_main(self, ctx: PageContext) -> str:
        cards = "".join(
            f'<div class="grid-card"><a href="{esc(lk.href)}"><img src="{esc(lk.image)}" alt=""></a>'
            f'<h3><a href="{esc(lk.href)}">{esc(lk.title)}</a></h3><p class="excerpt">{esc(lk.lead)}</p></div>'
            for lk in ctx.items
        )
        return f'<h2 class="page-heading">{esc(ctx.cat_label or "برگزیده‌ها")}</h2><div class="grid">{cards}</div>'

    def lead_block(self, ctx: PageContext) -> str:
        """A slider whose slides show their picture as a CSS background, headline in the caption."""
        slides = "".join(
            f'<div class="swiper-slide"><a class="slide-link" href="{esc(lk.href)}"><div class="slide-bg" '
            f'style="background-image: url(\'{esc(lk.image)}\')"></div></a><div class="slide-caption">'
            f'<h2><a href="{esc(lk.href)}">{esc(lk.title)}</a></h2></div></div>'
            for lk in ctx.lead
        )
        return f'<div class="main-slider swiper"><div class="swiper-wrapper">{slides}</div></div>\n'


_TEAMS = ("استقلال", "پرسپولیس", "سپاهان", "تراکتور", "گل‌گهر", "فولاد", "ملوان", "آلومینیوم", "چادرملو", "ذوب‌آهن")


class SportsPortal(Layout):
    """Sports site: live-score bar, league-table widget, lead above the headline."""

    name = "sports"

    def chrome(self, ctx: PageContext, main: str) -> str:
        c, s = ctx.spec.css, ctx.spec
        rng = random.Random(s.index)
        scores = "".join(
            f'<li class="match"><span>{a}</span> <b>{rng.randint(0, 3)} - {rng.randint(0, 3)}</b> <span>{b}</span></li>'
            for a, b in zip(_TEAMS[::2], _TEAMS[1::2])
        )
        table = "".join(
            f"<tr><td>{i}</td><td>{t}</td><td>{20 - i}</td><td>{40 - 3 * i}</td></tr>" for i, t in enumerate(_TEAMS, 1)
        )
        subs = ("فوتبال ایران", "فوتبال جهان", "والیبال", "کشتی", "بسکتبال", "رزمی")
        nav = "".join(f'<li><a href="{esc(u)}">{esc(lbl)}</a></li>' for lbl, u in nav_items(ctx))
        nav += "".join(f'<li><a href="{esc(ctx.section_url("sports"))}">{esc(x)}</a></li>' for x in subs)
        return f"""<div id="page" class="{c}">
<div class="live-scores"><span class="live-title">نتایج زنده</span><ul>{scores}</ul></div>
<div id="header"><a id="logo" href="/">{esc(s.name)}</a><span class="slogan">{esc(s.tagline)}</span><ul class="nav-menu">{nav}</ul></div>
<div id="content"><div class="main-column">
{main}
</div>
<div class="side-column"><div class="league-table"><h3>جدول لیگ برتر</h3><table><tr><th>#</th><th>تیم</th><th>بازی</th><th>امتیاز</th></tr>{table}</table></div>
<div class="latest-news"><h3>آخرین اخبار</h3>{link_list(ctx.latest, "latest-list", ctx)}</div>{ad_block(ctx, 3)}</div></div>
<div id="footer"><p>{esc(self.footer_text(ctx))}</p><p class="apps">دانلود اپلیکیشن: <a href="/contact">اندروید</a> | <a href="/contact">آی‌اواس</a></p></div>
</div>"""

    def article_main(self, ctx: PageContext) -> str:
        pub = ctx.pub
        assert pub is not None
        views = random.Random(pub.item_id).randint(300, 90000)
        comments = "".join(
            f'<div class="user-comment"><div class="uc-head"><span class="uc-name">{esc(n)}</span>'
            f'<span class="uc-likes">{likes}</span></div><div class="uc-body">{esc(t)}</div></div>'
            for n, t, likes in fake_comments(pub, ctx.spec.comments)
        )
        return f"""<ul class="breadcrumb"><li><a href="/">خانه</a></li><li><a href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a></li></ul>
<div class="news-header"><div class="news-subtitle">{esc(pub.lead)}</div>
<h1 class="headline">{esc(pub.title)}</h1>
<div class="news-info"><span class="news-time">{esc(ctx.dateline())}</span> <span class="views">بازدید: {views}</span></div></div>
<div class="news-img"><img src="{esc(ctx.image)}" alt="{esc(pub.title)}"></div>
{ad_block(ctx, 2)}
<div id="news-text" class="news-text">
{chr(10).join(f"<p>{esc(p)}</p>" for p in pub.paragraphs)}
</div>
{tags_html(ctx, "news-tags", "")}
{share_links(ctx, "news-share")}
<div class="related-news"><h3>اخبار مرتبط</h3>{link_list(ctx.related, "related-list")}</div>
<div id="comments-box" class="user-comments"><h3>نظرات</h3>{comments}</div>"""

    def listing_main(self, ctx: PageContext) -> str:
        rows = "".join(
            f'<li><span class="time">{esc(ctx.dateline(lk.published))}</span> <a href="{esc(lk.href)}">{esc(lk.title)}</a></li>'
            for lk in ctx.items
        )
        return f'<div class="news-list-box"><h2>{esc(ctx.cat_label or "اخبار ورزشی")}</h2><ul class="news-list">{rows}</ul></div>'

    def lead_block(self, ctx: PageContext) -> str:
        """No telling class names: the lead is a big picture with an h2 headline, the next slots smaller."""
        boxes = "".join(
            f'<div class="box-{n}"><div class="pic"><a href="{esc(lk.href)}"><img src="{esc(lk.image)}" '
            f'width="{640 if n == 0 else 300}" height="{360 if n == 0 else 170}" alt=""></a></div>'
            f'<{"h2" if n == 0 else "h3"}><a href="{esc(lk.href)}">{esc(lk.title)}</a></{"h2" if n == 0 else "h3"}></div>'
            for n, lk in enumerate(ctx.lead)
        )
        return f'<div class="row-boxes">{boxes}</div>\n'


class AspNet(Layout):
    """ASP.NET WebForms look: one big <form>, ctl00_* ids, spans and a __VIEWSTATE."""

    name = "aspnet"

    def chrome(self, ctx: PageContext, main: str) -> str:
        s = ctx.spec
        menu = "".join(
            f'<a id="ctl00_rptMenu_ctl{i:02d}_lnkMenu" class="MenuItem" href="{esc(u)}">{esc(lbl)}</a>'
            for i, (lbl, u) in enumerate(nav_items(ctx))
        )
        state = (
            "/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWBAIBDw8WAh4EVGV4dAUK"
            + f"{s.index:04d}"
            + "ZGQCAw9kFgICAQ8PFgIeB1Zpc2libGVoZGRk"
        )
        latest = "".join(
            f'<tr><td><a id="ctl00_gvLatest_ctl{i:02d}_lnk" href="{esc(lk.href)}">{esc(lk.title)}</a></td></tr>'
            for i, lk in enumerate(ctx.latest, 2)
        )
        return f"""<form name="aspnetForm" method="post" action="./Default.aspx" id="aspnetForm">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}"><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWAgK8{s.index}"></div>
<div id="ctl00_divHeader" class="HeaderBox"><a href="/"><span id="ctl00_lblSiteName" class="SiteName">{esc(s.name)}</span></a><span id="ctl00_lblSlogan" class="Slogan">{esc(s.tagline)}</span></div>
<div id="ctl00_pnlMenu" class="MenuBar">{menu}</div>
<div id="ctl00_divMain" class="MainBox">
{main}
</div>
<div id="ctl00_divSide" class="SideBox"><span class="BoxTitle">تازه‌های خبر</span><table id="ctl00_gvLatest" class="GridView" cellspacing="0" rules="all" border="1">{latest}</table>{ad_block(ctx, 3)}</div>
<div id="ctl00_divFooter" class="Footer"><span id="ctl00_lblCopyright">{esc(self.footer_text(ctx))}</span> <span id="ctl00_lblVisitors">بازدید امروز: ۱۲۴۵۷</span></div>
</form>"""

    def article_main(self, ctx: PageContext) -> str:
        pub = ctx.pub
        assert pub is not None
        p = "ctl00_ContentPlaceHolder1_"
        rel = "".join(
            f'<li><a id="{p}rptRelated_ctl{i:02d}_lnk" href="{esc(lk.href)}">{esc(lk.title)}</a></li>'
            for i, lk in enumerate(ctx.related)
        )
        nazar = "".join(
            f'<tr><td class="NazarName">{esc(n)}</td><td class="NazarText">{esc(t)}</td></tr>'
            for n, t, _ in fake_comments(pub, ctx.spec.comments)
        )
        return f"""<div id="{p}pnlNews" class="NewsPanel">
<span id="{p}lblService" class="Service"><a href="{esc(ctx.section_url(pub.category))}">{esc(ctx.cat_label)}</a></span>
<span id="{p}lblDate" class="NewsDate">{esc(ctx.dateline())}</span> <span id="{p}lblCode" class="NewsCode">کد مطلب: {pub.item_id}</span>
<h1><span id="{p}lblTitle" class="NewsTitle">{esc(pub.title)}</span></h1>
<div id="{p}lblLead" class="NewsLead">{esc(pub.lead)}</div>
<img id="{p}imgNews" class="NewsImage" src="{esc(ctx.image)}" alt="">
{ad_block(ctx, 2)}
<div id="{p}lblBody" class="NewsBody">
{chr(10).join(f"<p>{esc(x)}</p>" for x in pub.paragraphs)}
</div>
{tags_html(ctx, "NewsTags", "کلمات کلیدی:")}
<div id="{p}pnlShare">{share_links(ctx, "ShareBox")}</div>
<div id="{p}pnlRelated" class="RelatedNews"><span class="BoxTitle">مطالب مرتبط</span><ul>{rel}</ul></div>
<div id="{p}pnlComments" class="NazarBox"><span class="BoxTitle">نظرات شما</span><table class="NazarTable">{nazar}</table>
<textarea name="ctl00$ContentPlaceHolder1$txtComment" id="{p}txtComment"></textarea><input type="submit" name="ctl00$ContentPlaceHolder1$btnSend" value="ارسال نظر" id="{p}btnSend"></div>
</div>"""

    def listing_main(self, ctx: PageContext) -> str:
        p = "ctl00_ContentPlaceHolder1_"
        rows = "".join(
            f'<tr><td><a id="{p}gvNews_ctl{i:02d}_lnkTitle" href="{esc(lk.href)}">{esc(lk.title)}</a>'
            f'<br><span class="ListLead">{esc(lk.lead)}</span></td><td class="ListDate">{esc(ctx.dateline(lk.published))}</td></tr>'
            for i, lk in enumerate(ctx.items, 2)
        )
        title = esc(ctx.cat_label or "آخرین مطالب")
        return f'<span class="BoxTitle">{title}</span><table id="{p}gvNews" class="GridView" cellspacing="0" rules="all" border="1">{rows}</table>'

    def lead_block(self, ctx: PageContext) -> str:
        """A WebForms panel of top news (``pnlTopNews``): picture, title link and lead per row."""
        p = "ctl00_ContentPlaceHolder1_"
        rows = "".join(
            f'<tr><td class="TopNewsImage"><a id="{p}rptTop_ctl{i:02d}_lnkImage" href="{esc(lk.href)}">'
            f'<img src="{esc(lk.image)}" width="400" height="250" alt=""></a></td><td><a id="{p}rptTop_ctl{i:02d}_lnkTitle" '
            f'class="TopTitle" href="{esc(lk.href)}">{esc(lk.title)}</a><br><span class="TopLead">{esc(lk.lead)}</span></td></tr>'
            for i, lk in enumerate(ctx.lead)
        )
        return f'<div id="{p}pnlTopNews" class="TopNewsPanel"><table class="TopNewsTable">{rows}</table></div>\n'
