"""The committee's dashboard behind the hub (issue 27 §3): Voila as a hub-managed service, its
viewers signed in with the hub's OAuth, as nbgrader's formgrader is. Only a token with the
dashboard's access scope gets a page (the `committee` group and the administrators); anyone
else signed in is refused with a plain page. The viewer's hub name reaches the page's kernel in
one request header, which this side alone writes (VIEWER_HEADER)."""
from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httputil import url_concat

from . import VIEWER_HEADER

REFUSED = ("此看板仅供认证委员会成员及管理员查看。如您应有权限，请联系认证机构管理员将您加入 committee 组。<br>"
           "This dashboard is for the certification committee and the administrators. If you should see it, ask "
           "the body's administrator to add you to the hub's committee group.")


class HubLogin(web.RequestHandler):
    """Voila's login page: straight on to the hub's OAuth, back to the page asked for."""

    def get(self) -> None:
        hub_auth = HubOAuth.instance()
        next_url = self.get_argument("next", hub_auth.base_url)
        if not next_url.startswith(hub_auth.base_url):  # never away from the dashboard
            next_url = hub_auth.base_url
        params, verifier = {}, None
        if hub_auth.pkce_enabled:
            verifier, challenge, method = hub_auth.generate_pkce_code_challenge()
            params = {"code_challenge": challenge, "code_challenge_method": method}
        params["state"] = hub_auth.set_state_cookie(self, next_url=next_url, code_verifier=verifier)
        self.redirect(url_concat(hub_auth.login_url, params))


class HubIdentity(IdentityProvider):
    """Who views: the hub's OAuth cookie of this service, checked by the hub."""

    @property
    def hub_auth(self) -> HubOAuth:
        return HubOAuth.instance()

    async def get_user(self, handler: web.RequestHandler) -> User | None:
        # Whatever the browser sent under the viewer's header: only what the hub says stays.
        handler.request.headers[VIEWER_HEADER] = ""
        model = await self.hub_auth.get_user(handler, sync=False)
        if model is None:
            return None
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            handler.set_status(403)
            handler.finish(f"<!doctype html><meta charset='utf-8'><title>403</title><p>{REFUSED}</p>")
            raise web.Finish()
        handler.request.headers[VIEWER_HEADER] = model["name"]
        return User(username=model["name"])

    def get_handlers(self) -> list:
        prefix = self.hub_auth.base_url
        return [(url_path_join(prefix, "login"), HubLogin), (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler)]

    @property
    def logout_available(self) -> bool:
        return False  # the hub's own logout ends the session
