"""Request rate limits as fixed-window counters: one atomic cache increment per request.

DRF's own throttles keep a list of every request's time in the window and write the whole list back
on each request: two cache round trips, a payload that grows with the rate, and two parallel requests
can both read the old list and lose a count. Here a request costs one `incr` of a counter that
lives for one window (Redis INCR with django-redis), so counts are exact under concurrency. The
price is the usual fixed-window one: a client may spend one window's allowance at the end of a
window and the next at the start of the following one.
"""

from rest_framework import throttling


class FixedWindowMixin:
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        return self.count(f"{key}:{window}") <= self.num_requests

    def count(self, key: str) -> int:
        """This request's number in its window (the first request of a window creates the counter)."""
        try:
            return self.cache.incr(key)
        except ValueError:  # no counter yet
            if self.cache.add(key, 1, self.duration + 1):
                return 1
            return self.cache.incr(key)  # another request created it first

    def wait(self):
        return max(self.window_ends_at - self.now, 0)


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Signed-in users, one counter per account. DRF's also counts anonymous requests, by address, under the user
    rate: a second cache round trip on every anonymous request for a limit the anonymous rate, the stricter one
    (settings: 120/min against 1,200/min), always reaches first. Anonymous requests are the anon throttle's."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
