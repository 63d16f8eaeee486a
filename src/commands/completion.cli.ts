/** `ferry completion <shell>`: its argument and help, and the options they give src/commands/completion.ts. */
import { defineCommand } from './define.js';

export const completionCommand = defineCommand({
    name: 'completion',
    description: "print a shell completion script: commands, flags, and the project's functions, integrations and environments",
    module: 'completion',
    load: () => import('./completion.js'),
    args: [{ name: '<shell>', description: 'bash | zsh | fish', complete: 'shell' }],
    help: ['', 'Install:', "  bash  echo 'source <(ferry completion bash)' >> ~/.bashrc", "  zsh   echo 'source <(ferry completion zsh)' >> ~/.zshrc", '  fish  ferry completion fish > ~/.config/fish/completions/ferry.fish'],
    options: ([shell]) => ({ shell })
});
