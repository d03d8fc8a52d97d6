// Checks out an older commit in a temporary git worktree, so that its committed bundles can be
// measured next to the current ones in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: 'pipe' }).trim();
}

/**
 * Adds a detached worktree of `ref` from the repository at `root` and returns its folder, the full
 * commit id and `remove`, which deletes the worktree. `remove` is synchronous so that exit
 * handlers can call it. The bundles need no `npm ci`, because ncc inlines every dependency.
 */
export function addBaselineWorktree(root, ref) {
  const parent = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  const dir = join(parent, 'worktree');
  let commit;
  try {
    commit = git(root, ['rev-parse', '--verify', `${ref}^{commit}`]);
    git(root, ['worktree', 'add', '--detach', dir, commit]);
  } catch (error) {
    rmSync(parent, { recursive: true, force: true });
    throw new Error(
      `git worktree add of ${ref} failed: ${error.stderr?.toString().trim() || error.message}`,
      { cause: error },
    );
  }

  const remove = () => {
    try {
      git(root, ['worktree', 'remove', '--force', dir]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
      // Drops the worktree's record in .git when `remove` failed after the folder was deleted.
      git(root, ['worktree', 'prune']);
    }
  };
  const cli = join(dir, 'dist', 'cli', 'index.js');
  if (!existsSync(cli)) {
    remove();
    throw new Error(`commit ${commit} has no committed dist/cli/index.js`);
  }
  return { dir, commit, cli, remove };
}
