"""Signals of the stories app.

``stories_assigned`` is sent after ``assign_stories`` committed, with ``article_ids`` (the articles it
put into stories) and ``story_ids`` (the stories they are in now, merges followed). Apps above
(e.g. the console's takedowns) connect receivers in their ``ready()``; a receiver's failure is
logged, never undoes the assignment.
"""

from django.dispatch import Signal

stories_assigned = Signal()
