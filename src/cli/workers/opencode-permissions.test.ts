import { describe, expect, it } from 'vitest';
import { mergeDeep } from './opencode-environment.ts';
import {
  decide,
  PATCH_PERMISSION,
  type PermissionRules,
  permissionFor,
  READ_ONLY_PERMISSION,
} from './opencode-permissions.ts';

describe('read-only permissions', () => {
  it.each(['read', 'grep', 'glob', 'list'])('allow %s', (tool) => {
    expect(decide(READ_ONLY_PERMISSION, tool)).toBe('allow');
  });

  it.each([
    'bash',
    'edit',
    'write',
    'apply_patch',
    'task',
    'webfetch',
    'websearch',
    'skill',
    'external_directory',
  ])('deny %s', (tool) => {
    expect(decide(READ_ONLY_PERMISSION, tool)).toBe('deny');
  });

  it('deny tools they do not know, such as an MCP server’s', () => {
    expect(decide(READ_ONLY_PERMISSION, 'github_create_pull_request')).toBe('deny');
  });

  it('deny the shell whatever the command (no allow-list a redirect could slip through)', () => {
    expect(decide(READ_ONLY_PERMISSION, 'bash', 'ls')).toBe('deny');
    expect(decide(READ_ONLY_PERMISSION, 'bash', 'echo x >> README.md')).toBe('deny');
  });

  it('do not read .env files', () => {
    expect(decide(READ_ONLY_PERMISSION, 'read', 'src/config.ts')).toBe('allow');
    expect(decide(READ_ONLY_PERMISSION, 'read', 'deploy/.env')).toBe('deny');
    expect(decide(READ_ONLY_PERMISSION, 'read', '.env.production')).toBe('deny');
    expect(decide(READ_ONLY_PERMISSION, 'read', '.env.example')).toBe('allow');
  });

  it('keep their denials when merged over a user’s table that allows more', () => {
    const user: PermissionRules = { bash: { 'git *': 'allow' }, edit: 'allow', mcp_writer: 'allow' };
    const merged = mergeDeep(user, READ_ONLY_PERMISSION) as PermissionRules;
    expect(decide(merged, 'bash', 'git status')).toBe('deny');
    expect(decide(merged, 'edit')).toBe('deny');
    expect(decide(merged, 'mcp_writer')).toBe('deny');
  });
});

describe('patch permissions', () => {
  it('refuse paths outside the worktree, the network and subagents', () => {
    for (const tool of ['external_directory', 'webfetch', 'websearch', 'task', 'doom_loop']) {
      expect(decide(PATCH_PERMISSION, tool)).toBe('deny');
    }
  });

  it('leave edits and the shell to OpenCode’s default and the user’s own rules', () => {
    expect(decide(PATCH_PERMISSION, 'edit')).toBeUndefined();
    expect(decide(PATCH_PERMISSION, 'bash', 'npm test')).toBeUndefined();
    const user: PermissionRules = { bash: { 'rm *': 'deny' } };
    expect(decide(mergeDeep(user, PATCH_PERMISSION) as PermissionRules, 'bash', 'rm -rf src')).toBe('deny');
  });

  it('do not read .env files', () => {
    expect(decide(PATCH_PERMISSION, 'read', '.env')).toBe('deny');
  });
});

describe('permissionFor', () => {
  it('gives each access its table', () => {
    expect(permissionFor('read-only')).toBe(READ_ONLY_PERMISSION);
    expect(permissionFor('patch')).toBe(PATCH_PERMISSION);
  });
});
