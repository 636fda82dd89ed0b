// Demo users 1..N. Each one's identity token comes from the receiver's demo-only /-/demo/token
// (serve --demo-tokens), as a real page would fetch one from its own backend's session; the module
// asks again when a token expires. Events already queued leave with the previous user's token.
import { InternalEvents } from '/internal-events/internal-events.js';

const tokenFor = (user) => async () => {
  const response = await fetch(`/-/demo/token?user=${user}`);
  if (!response.ok) throw new Error(`/-/demo/token: HTTP ${response.status} ${await response.text()}`);
  return response.text();
};

export function startUserSwitcher(container, users) {
  const buttons = [];
  const choose = async (user) => {
    await InternalEvents.flush();
    InternalEvents.init({ identity: tokenFor(user) });
    for (const button of buttons) button.setAttribute('aria-checked', String(button.dataset.user === String(user)));
    document.body.dataset.user = String(user);
  };
  for (let user = 1; user <= users; user++) {
    const button = document.createElement('button');
    button.setAttribute('role', 'radio');
    button.dataset.user = String(user);
    button.textContent = `User ${user}`;
    button.addEventListener('click', () => choose(user));
    buttons.push(button);
    container.append(button);
  }
  return choose(1);
}
