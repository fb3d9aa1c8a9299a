"""The stories step in plain Python: near-duplicates, online story clustering, ranking (see docs/stories.md).

* ``text_features``: folded tokens, TF-IDF vectors and shingles of an article;
* ``near_duplicates``: ``NearDuplicateIndex`` (MinHash LSH, datasketch);
* ``clustering``: ``StoryClusterer``, the online, incremental clustering;
* ``ranking``: ``story_importance``, "at the top of the media";
* ``front_pages``: ``prominent_links``, what a homepage gives prominence to (and
  ``lead_links``, the explicitly marked lead slots only: the benchmarks' baseline);
* ``lead_slots``: ``stored_lead_slots``, the stored articles in a homepage's lead and
  top slots, slot by slot (what the crawler's homepage job records);
* ``summary``: a story's headline and the headlines its outlets used;
* ``evaluation``, ``offline``, ``commands``: B-cubed and the ``khabar cluster`` /
  ``khabar eval-clusters`` commands.
"""
