"""The student's first page: lesson 1 open, the file browser at the course root.

JupyterLab opens a notebook and places its file browser from one URL, :data:`LANDING`,
whose query says where the browser goes (without it, it shows the notebook's folder,
``lessons/``, and not ``helpers/`` beside it). Jupyter prints its URL as its default
URL followed by ``?token=...``, so a default URL with a query of its own prints a link
whose token is part of that query, and which does not log in. The default URL of the
student's Lab is :data:`PATH` instead, a page of this server extension: opened with the
token, it logs in as any Jupyter page does, then sends the browser on to the landing.
"""

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from autograder.lessons import LESSONS

PATH = "/course/start"
LANDING = f"/lab/tree/lessons/{LESSONS[0].notebook}?file-browser-path=/"


class Start(JupyterHandler):
    @web.authenticated
    def get(self) -> None:
        self.redirect(url_path_join(self.base_url, LANDING))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(server) -> None:
    route = url_path_join(server.web_app.settings["base_url"], PATH)
    server.web_app.add_handlers(".*$", [(route, Start)])
