from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from khabar.originals.urls import urlpatterns as originals_urlpatterns
from khabar.site import article_views, discovery, feeds, image_proxy, page_views, reader_endpoints, search_views, views
from khabar.site.page_cache import cached_page, page_number
from khabar.stories.urls import urlpatterns as story_urlpatterns

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("top/", cached_page(views.top, query={"page": page_number}), name="top"),
    path("latest/", views.latest, name="latest"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("source/<slug:slug>/", views.source, name="source"),
    path("news/<int:pk>/", article_views.article, name="article"),
    path("news/<int:pk>/text/", article_views.article_text, name="article_text"),
    path("news/<int:pk>/comment/", article_views.comment, name="comment"),
    path("news/<int:pk>/seen/", reader_endpoints.article_seen, name="article_seen"),
    path("csrf/", reader_endpoints.csrf_token, name="csrf_token"),
    path("img/<int:pk>/", image_proxy.article_image, name="article_image"),
    path("search/", search_views.search, name="search"),
    # footer pages
    path("about/", page_views.static_page, {"page": "about"}, name="about"),
    path("contact/", page_views.contact, name="contact"),
    path("contact/thanks/", page_views.contact_thanks, name="contact_thanks"),
    path("advertising/", page_views.static_page, {"page": "advertising"}, name="advertising"),
    path("privacy/", page_views.static_page, {"page": "privacy"}, name="privacy"),
    # feeds
    path("feeds/latest.rss", cached_page(feeds.LatestRss()), name="feed_latest_rss"),
    path("feeds/latest.atom", cached_page(feeds.LatestAtom()), name="feed_latest_atom"),
    path("feeds/top.rss", cached_page(feeds.TopRss()), name="feed_top_rss"),
    path("feeds/top.atom", cached_page(feeds.TopAtom()), name="feed_top_atom"),
    path("feeds/category/<slug:slug>.rss", cached_page(feeds.CategoryRss()), name="feed_category_rss"),
    path("feeds/category/<slug:slug>.atom", cached_page(feeds.CategoryAtom()), name="feed_category_atom"),
    # discovery
    path("favicon.ico", RedirectView.as_view(url=static("khabar/favicon.svg"), permanent=True)),
    path("robots.txt", discovery.robots_txt, name="robots_txt"),
    path("sitemap-news.xml", discovery.news_sitemap, name="news_sitemap"),
    path(
        "sitemap.xml",
        cached_page(sitemap_views.index, query={"p": page_number}),
        {"sitemaps": discovery.SITEMAPS, "sitemap_url_name": "site:sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap, query={"p": page_number}),
        {"sitemaps": discovery.SITEMAPS},
        name="sitemap_section",
    ),
]
urlpatterns += story_urlpatterns
urlpatterns += originals_urlpatterns
