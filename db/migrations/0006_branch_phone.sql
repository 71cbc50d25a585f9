-- R34 (issue 7 item 7): a branch's telephone number, for the pages that say to phone when a hold can no longer be changed online.
ALTER TABLE `branches` ADD `phone` text;