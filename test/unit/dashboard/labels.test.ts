import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortModel } from '../../../webview-ui/dashboard/labels';

test('model names drop their provider on chart axes, pi\'s Tools/summaries bucket keeps its name', () => {
  assert.equal(shortModel('anthropic/claude-sonnet-4-5'), 'claude-sonnet-4-5');
  assert.equal(shortModel('fakellm/fake-cache'), 'fake-cache');
  assert.equal(shortModel('Tools/summaries'), 'Tools/summaries');
  assert.equal(shortModel('unknown'), 'unknown');
});
