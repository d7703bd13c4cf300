// What an approver sees and does in the real Temporal Web UI: opens the release's User Metadata tab,
// reads the Current Details (what waits, for whom, approvals so far), copies the update input and the CLI
// command out of the page's text, and sends updates through More Actions -> Send an Update, reading the
// verdict the UI shows. Prints one JSON object on its last line:
//   {"details": "<the Current Details as shown>", "blocks": ["<each code block as shown>"],
//    "verdicts": ["<what the UI showed after each update>"], "after": "<the Current Details after them>"}
//
//   node approve-in-ui.js <ui base url> <workflow id> <screenshot dir> <update name> [<approver> ...]
//
// Each approver's update is the copied input with YOUR_NAME replaced by the approver's name, nothing else.
// Needs playwright-core (scripts/test-tools.sh installs it in .tools/node) and Debian's chromium.
const path = require('path');
const { chromium } = require(path.join(process.env.GANTRY_TOOLS || '.tools', 'node/node_modules/playwright-core'));

// The UI renders summary, details and current details as Markdown, each in its own frame (/render?...).
// Returns the Current Details frame's text and code blocks, as shown, and which code lines the frame cuts.
async function currentDetails(page, url, expect) {
  await page.goto(url, { waitUntil: 'load' });
  await page.getByText('User Metadata', { exact: true }).filter({ visible: true }).first().click();
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('/render')) {
        continue;
      }
      const shown = await frame.evaluate(() => {
        const last = document.body.lastElementChild;
        return {
          text: document.body.innerText,
          blocks: [...document.querySelectorAll('pre')].map((pre) => pre.innerText),
          // A code block wider than its frame is cut: what is shown is not all there is.
          cut: [...document.querySelectorAll('pre')].filter((pre) => pre.scrollWidth > pre.clientWidth + 1
            || pre.getBoundingClientRect().right > window.innerWidth + 1).map((pre) => pre.innerText),
          // The UI sizes each frame to its text, a little short at times: a block below its bottom is cut.
          below: [...document.querySelectorAll('pre')].filter((pre) => pre.getBoundingClientRect().bottom
            > window.innerHeight + 1).map((pre) => pre.innerText),
        };
      }).catch(() => null);
      if (shown && shown.text.includes(expect)) {
        return shown;
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no Current Details saying '${expect}' on ${url}`);
}

async function main() {
  const [ui, workflowId, shots, updateName, ...approvers] = process.argv.slice(2);
  if (!ui || !workflowId || !shots || !updateName) {
    throw new Error('usage: approve-in-ui.js <ui> <workflow id> <screenshot dir> <update> [<approver> ...]');
  }
  const context = await chromium.launchPersistentContext(path.join(shots, 'profile-approver'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1400 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const result = { verdicts: [] };
  try {
    const page = await context.newPage();
    const url = `${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    const before = await currentDetails(page, url, 'waits for approval');
    result.details = before.text;
    result.blocks = before.blocks;
    result.cut = before.cut;
    result.below = before.below;
    await page.screenshot({ path: path.join(shots, 'approver-current-details.png'), fullPage: true });
    const input = before.blocks.find((b) => b.trim().startsWith('{'));
    if (!input) {
      throw new Error('no JSON block in the Current Details:\n' + before.text);
    }
    for (let i = 0; i < approvers.length; i++) {
      await page.goto(url, { waitUntil: 'load' });
      await page.locator('button:visible', { hasText: 'More Actions' }).first().click();
      await page.getByRole('menuitem').filter({ visible: true }).filter({ hasText: 'Send an Update' }).first().click();
      const dialog = page.getByRole('dialog').filter({ visible: true }).last();
      await dialog.waitFor({ state: 'visible', timeout: 10000 });
      // The update's name: a select like the signal's, or a text field.
      const select = dialog.locator('[id*="update"][id*="select"], #update-select, #signal-select').filter({ visible: true });
      if (await select.count() > 0) {
        const box = await select.first().boundingBox();
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await page.getByRole('option').filter({ visible: true })
          .filter({ hasText: new RegExp(`^\\s*${updateName}\\s*$`) }).first().click();
      } else {
        const field = dialog.getByRole('textbox').filter({ visible: true }).first();
        await field.fill(updateName);
      }
      const editor = dialog.locator('[role=textbox][contenteditable=true], .cm-content').filter({ visible: true }).first();
      await editor.click();
      // Select what is there (the editor may open with a template), then paste the copied input.
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(input.trim().replace('YOUR_NAME', approvers[i]));
      await dialog.getByText('Encoding').filter({ visible: true }).first().click().catch(() => {});
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shots, `approver-${i + 1}-${approvers[i]}-update-form.png`) });
      const submit = page.getByTestId('confirm-modal-button').filter({ visible: true }).first();
      await submit.click();
      // The verdict: the UI's toast when the update was accepted; when the release refused it, the form
      // stays open and shows the refusal (its first line is the reason; the SDK appends a stack trace).
      const accepted = page.getByText('Update successful').filter({ visible: true }).first();
      const refused = dialog.getByText(/refused|unknown approver|not allowed|separation of duties|already approved/)
        .filter({ visible: true }).first();
      await accepted.or(refused).waitFor({ state: 'visible', timeout: 20000 });
      result.verdicts.push(await accepted.isVisible() ? await accepted.innerText() : await refused.innerText());
      if (!result.refusalShown && !(await accepted.isVisible())) {
        result.refusalShown = (await dialog.innerText()).substring(0, 4000);
      }
      await page.screenshot({ path: path.join(shots, `approver-${i + 1}-${approvers[i]}-verdict.png`) });
      if (await dialog.isVisible()) {
        await page.keyboard.press('Escape');
      }
      console.log(`sent ${updateName} as ${approvers[i]}: ${result.verdicts[i].replace(/\s+/g, ' ')}`);
    }
    if (approvers.length > 0) {
      const after = await currentDetails(page, url, 'Approved so far');
      result.after = after.text;
      await page.screenshot({ path: path.join(shots, 'approver-after-updates.png'), fullPage: true });
    }
  } finally {
    await context.close();
  }
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
