"""gunicorn's access log with the route in place of the path (see
medisecure.log_paths): the `%(U)s` atom names the route's pattern, so no id
in an address reaches the log."""

from gunicorn.glogging import Logger


class RouteLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        from medisecure.log_paths import path_for_log  # Django is loaded by then: the worker serves it

        atoms["U"] = path_for_log(environ.get("PATH_INFO", "") or "/")
        return atoms
