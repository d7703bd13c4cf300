// Sends signals to a release from the real Temporal Web UI, the way an approver does: opens the
// workflow page, More Actions -> Send a Signal, picks the signal, types the JSON, submits.
//
//   node signal-in-ui.js <ui base url> <workflow id> <screenshot dir> <signal> <json> [<signal> <json> ...]
//
// Needs playwright-core (scripts/test-tools.sh installs it in .tools/node) and Debian's chromium.
const path = require('path');
const { chromium } = require(path.join(process.env.GANTRY_TOOLS || '.tools', 'node/node_modules/playwright-core'));

async function main() {
  const [ui, workflowId, shots, ...pairs] = process.argv.slice(2);
  if (!ui || !workflowId || !shots || pairs.length === 0 || pairs.length % 2 !== 0) {
    throw new Error('usage: signal-in-ui.js <ui> <workflow id> <screenshot dir> <signal> <json> ...');
  }
  const context = await chromium.launchPersistentContext(path.join(shots, 'profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const url = `${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    for (let i = 0; i < pairs.length; i += 2) {
      const [signal, json] = [pairs[i], pairs[i + 1]];
      await page.goto(url, { waitUntil: 'load' });
      await page.locator('button:visible', { hasText: 'More Actions' }).first().click();
      await page.getByRole('menuitem').filter({ visible: true }).filter({ hasText: 'Send a Signal' }).first().click();
      // The modal's parts, found by what a person sees: only the visible ones count.
      // The select shows a disabled input under a button: click where a person clicks.
      const select = await page.locator('#signal-select').filter({ visible: true }).first().boundingBox();
      await page.mouse.click(select.x + select.width / 2, select.y + select.height / 2);
      await page.getByRole('option').filter({ visible: true }).filter({ hasText: new RegExp(`^\\s*${signal}\\s*$`) })
        .first().click();
      const editor = page.locator('[role=textbox]').filter({ visible: true }).first();
      await editor.click();
      await page.keyboard.insertText(json);
      // Leaving the editor re-formats the JSON and moves the buttons: leave it first, then submit.
      await page.getByText('Encoding').filter({ visible: true }).first().click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shots, `${i / 2 + 1}-${signal}-form.png`) });
      const submit = page.getByTestId('confirm-modal-button').filter({ visible: true }).first();
      await submit.click();
      await submit.waitFor({ state: 'hidden', timeout: 15000 });
      console.log(`sent ${signal} ${json}`);
    }
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'after-signals.png') });
  } finally {
    await context.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
